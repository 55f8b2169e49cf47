/**
 * `homelab:unifi:Gateway`: a UniFi gateway (UDM Pro and other UniFi OS consoles) as the site
 * declares it: VLAN networks, the WireGuard remote-access server, inter-VLAN default deny with
 * the explicit allows (legacy LAN_IN rules or zone-based policies), the reverse proxy exposed
 * on the WAN to its allowed sources only (a port forward limited to a source group and the
 * matching firewall rule or policy), and static DNS records (retained on delete, as every
 * DNS record of the project).
 *
 * The objects come from the pure model (src/model/unifi/); this component only turns them
 * into resources, resolving references to other objects' ids and to secrets.
 */
import * as pulumi from "@pulumi/pulumi";
import type { UnifiIntent, UnifiPlan } from "../../model/unifi";
import { wireguardPublicKey } from "../../model/unifi/wireguard";
import type { UnifiConnection } from "../../providers/unifi/client";
import {
  UnifiDnsRecord,
  UnifiFirewallGroup,
  UnifiFirewallPolicy,
  UnifiFirewallPolicyOrder,
  UnifiFirewallRule,
  UnifiFirewallZone,
  UnifiNetwork,
  UnifiPortForward,
  UnifiWireGuardServer,
  type UnifiObject,
} from "../../providers/unifi/resources";
import type { Secrets } from "../secrets";
import { applyPlan, type CreateContext } from "../apply-plan";

export interface UnifiGatewayArgs {
  /**
   * The gateway's plan: its objects for the firewall generation decided before the model,
   * and how to reach the console (TLS trust with the CA read at load; no credential).
   * @example model.unifi
   */
  readonly plan: UnifiPlan;
  /**
   * The stack's secrets (homelab:wireguardPrivateKey).
   * @example runtimeSecrets(names)
   */
  readonly secrets: Secrets;
}

/** What the plan and the stack outputs say about the gateway. */
export interface UnifiGatewaySummary {
  readonly controller: string;
  readonly site: string;
  readonly firewallMode: "zone" | "legacy";
  readonly firewallModeSource: "configured" | "detected" | "assumed";
  readonly firewallModeMessage: string;
  readonly networks: readonly string[];
  readonly objects: number;
  /** The WireGuard server's public key (undefined offline: the private key is a placeholder). */
  readonly wireguardPublicKey?: pulumi.Output<string | undefined>;
}

export class UnifiGateway extends pulumi.ComponentResource {
  /** The connection every object of this gateway uses (no credential). */
  readonly connection: UnifiConnection;
  /** Firewall generation configured. */
  readonly firewallMode: "zone" | "legacy";
  /** Every managed object, by role ("net-servers", "lan-in-users-to-dns", ...). */
  readonly objects: ReadonlyMap<string, UnifiObject>;
  /** The WireGuard server's public key (for client configurations), if there is one. */
  readonly wireguardPublicKey?: pulumi.Output<string | undefined>;
  /** Plain facts for the plan and stack outputs. */
  readonly summary: UnifiGatewaySummary;

  constructor(name: string, args: UnifiGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:unifi:Gateway", name, {}, opts);
    const { plan, secrets } = args;
    const { connection, adopt, firewall } = plan;
    this.connection = connection;
    this.firewallMode = firewall.mode;
    if (plan.skippedDnsRecords > 0) {
      void pulumi.log.warn(
        `UniFi: the controller has no static DNS API (UniFi Network ${firewall.version ?? "?"}): ${plan.skippedDnsRecords} internal DNS records are not created`,
        this,
      );
    }
    // What an offline plan assumes instead of asking the console is a warning of the plan;
    // what a real run found is told. (Warnings go to stderr under the offline plan, whose
    // stdout is the plan itself.)
    for (const assumption of firewall.assumptions) void pulumi.log.warn(assumption, this);
    if (firewall.assumptions.length === 0) void pulumi.log.info(firewall.message, this);

    let publicKey: pulumi.Output<string | undefined> | undefined;
    this.objects = applyPlan<UnifiIntent, UnifiObject>(plan, {
      name,
      parent: this,
      idOf: (object) => object.objectId,
      create: (intent, { name: childName, opts: childOpts, resolve }) => {
        if (intent.kind === "WireGuardServer") {
          const privateKey = secrets.get(intent.spec.privateKey.secret);
          publicKey = pulumi.unsecret(privateKey.apply((key) => wireguardPublicKey(key)));
          return new UnifiWireGuardServer(
            childName,
            { connection, spec: intent.spec.server, adopt, privateKey },
            childOpts,
          );
        }
        return unifiObject(intent, childName, childOpts, connection, adopt, resolve);
      },
    });
    this.wireguardPublicKey = publicKey;
    this.summary = {
      controller: connection.controller,
      site: connection.site,
      firewallMode: firewall.mode,
      firewallModeSource: firewall.source,
      firewallModeMessage: firewall.message,
      networks: plan.networks,
      objects: plan.objects.length,
      ...(publicKey ? { wireguardPublicKey: publicKey } : {}),
    };
    this.registerOutputs({
      connection: this.connection,
      firewallMode: this.firewallMode,
      objects: Object.fromEntries(this.objects),
      summary: this.summary,
      ...(publicKey ? { wireguardPublicKey: publicKey } : {}),
    });
  }
}

/** The resource of one plan object (the WireGuard server, which needs a secret, aside). */
function unifiObject(
  intent: Exclude<UnifiIntent, { kind: "WireGuardServer" }>,
  name: string,
  opts: pulumi.CustomResourceOptions,
  connection: UnifiConnection,
  adopt: boolean,
  resolve: CreateContext["resolve"],
): UnifiObject {
  switch (intent.kind) {
    case "Network":
      return new UnifiNetwork(name, { connection, spec: intent.spec, adopt }, opts);
    case "FirewallGroup":
      return new UnifiFirewallGroup(name, { connection, spec: intent.spec, adopt }, opts);
    case "FirewallRule":
      return new UnifiFirewallRule(name, { connection, spec: resolve(intent.spec), adopt }, opts);
    case "FirewallZone":
      return new UnifiFirewallZone(name, { connection, zoneKey: intent.spec.zoneKey }, opts);
    case "FirewallPolicy":
      return new UnifiFirewallPolicy(name, { connection, spec: resolve(intent.spec), adopt }, opts);
    case "FirewallPolicyOrder":
      return new UnifiFirewallPolicyOrder(name, { connection, ...resolve(intent.spec) }, opts);
    case "PortForward":
      return new UnifiPortForward(name, { connection, spec: resolve(intent.spec), adopt }, opts);
    case "DnsRecord":
      // Like every DNS record of the project, never deleted by a run (retainOnDelete); a
      // record that stayed behind is adopted when its name comes back.
      return new UnifiDnsRecord(
        name,
        { connection, spec: intent.spec, adopt: true },
        { ...opts, retainOnDelete: true },
      );
  }
}
