/**
 * `homelab:unifi:Gateway`: a UniFi gateway (UDM Pro and other UniFi OS consoles) as the site
 * declares it: VLAN networks, the WireGuard remote-access server, inter-VLAN default deny with
 * the explicit allows (legacy LAN_IN rules or zone-based policies), the reverse proxy exposed
 * on the WAN to its allowed sources only (a port forward limited to a source group and the
 * matching firewall rule or policy), and static DNS records (retained on delete, as every
 * DNS record of the project).
 *
 * The objects come from the pure model (src/model/unifi.ts); this component only turns them
 * into resources, resolving references to other objects' ids and to secrets.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { UnifiConfig } from "../../config/unifi";
import type { SiteNetwork } from "../../config/networks";
import type { PublishIntent } from "../../model/publish";
import { unifiPlan, type DnsRecordIntent, type UnifiIntent } from "../../model/unifi";
import type { FirewallModeDecision } from "../../model/unifi/firewall-mode";
import { wireguardPublicKey } from "../../model/unifi/wireguard";
import type { TlsTrust } from "../../providers/http";
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

/** TLS trust of the console from the config (tls.ca is a PEM file relative to `root`). */
export function tlsTrust(config: UnifiConfig, root: string): TlsTrust {
  const tls = config.tls;
  const trust: { ca?: string; fingerprint?: string; insecureSkipVerify?: boolean } = {};
  if (tls.fingerprint) trust.fingerprint = tls.fingerprint;
  if (tls.insecureSkipVerify) trust.insecureSkipVerify = true;
  if (tls.ca) {
    const path = isAbsolute(tls.ca) ? tls.ca : join(root, tls.ca);
    try {
      trust.ca = readFileSync(path, "utf8");
    } catch (error) {
      throw new pulumi.RunError(
        `homelab:unifi.tls.ca: cannot read ${tls.ca} (${(error as NodeJS.ErrnoException).code ?? String(error)}): put the console's CA certificate (PEM) there, or pin the certificate with tls.fingerprint`,
      );
    }
  }
  return trust;
}

export interface UnifiGatewayArgs {
  /**
   * The site's `homelab:unifi` section, validated.
   * @example loaded.config.unifi
   */
  readonly config: UnifiConfig;
  /**
   * Every network of the site by name (allow rules resolve their prefixes here).
   * @example model.networks
   */
  readonly networks: readonly SiteNetwork[];
  /**
   * What the WAN exposes: the reverse proxy's ports, forwarded to its host, from its
   * allowed sources only. Nothing is exposed without it.
   * @default undefined
   * @example model.publish
   */
  readonly publish?: PublishIntent;
  /**
   * Internal names served by the console's resolver as static DNS records (v2 API), when the
   * controller supports them.
   * @default []
   * @example [{ name: "photos.home.arpa", address: "10.0.10.11" }]
   */
  readonly dnsRecords?: readonly DnsRecordIntent[];
  /**
   * The firewall generation to configure, and why (see resolveFirewallMode).
   * @example decideFirewallMode("legacy")
   */
  readonly firewall: FirewallModeDecision;
  /** The stack's secrets (homelab:wireguardPrivateKey). */
  readonly secrets: Secrets;
  /**
   * Where relative paths of the config (tls.ca) start.
   * @default process.cwd()
   * @example "/home/me/homelab"
   */
  readonly root?: string;
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
    const { config, firewall } = args;
    this.firewallMode = firewall.mode;
    this.connection = {
      controller: config.controller,
      site: config.site,
      auth: config.auth,
      ...(config.username ? { username: config.username } : {}),
      tls: tlsTrust(config, args.root ?? process.cwd()),
    };
    let dnsRecords = args.dnsRecords ?? [];
    if (dnsRecords.length > 0 && !firewall.staticDns) {
      void pulumi.log.warn(
        `UniFi: the controller has no static DNS API (UniFi Network ${firewall.version ?? "?"}): ${dnsRecords.length} internal DNS records are not created`,
        this,
      );
      dnsRecords = [];
    }
    const plan = unifiPlan({
      config,
      networks: args.networks,
      publish: args.publish,
      dnsRecords,
      firewallMode: firewall.mode,
    });
    // A configured mode is visible enough (types, names, stack output); the others are told.
    // (Warnings go to stderr under the offline plan, whose stdout is the plan itself.)
    if (firewall.source === "assumed") void pulumi.log.warn(firewall.message, this);
    if (firewall.source === "detected") void pulumi.log.info(firewall.message, this);

    const connection = this.connection;
    const adopt = config.adopt;
    let publicKey: pulumi.Output<string | undefined> | undefined;
    const objects = applyPlan<UnifiIntent, UnifiObject>(plan, {
      name,
      parent: this,
      idOf: (object) => object.objectId,
      create: (intent, { name: childName, opts, resolve }) => {
        if (intent.kind === "WireGuardServer") {
          const privateKey = args.secrets.get(intent.spec.privateKey.secret);
          publicKey = pulumi.unsecret(privateKey.apply((key) => wireguardPublicKey(key)));
          return new UnifiWireGuardServer(
            childName,
            { connection, spec: intent.spec.server, adopt, privateKey },
            opts,
          );
        }
        return unifiObject(intent, childName, opts, connection, adopt, resolve);
      },
    });
    this.objects = objects;
    this.wireguardPublicKey = publicKey;
    this.summary = {
      controller: config.controller,
      site: config.site,
      firewallMode: firewall.mode,
      firewallModeSource: firewall.source,
      firewallModeMessage: firewall.message,
      networks: [
        ...config.networks.map((n) => n.name),
        ...(config.wireguard ? [config.wireguard.name] : []),
      ],
      objects: plan.objects.length,
      ...(publicKey ? { wireguardPublicKey: publicKey } : {}),
    };
    this.registerOutputs({
      firewallMode: this.firewallMode,
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
