/**
 * `homelab:fortigate:Edge`: the FortiGate of a site, as FortiOS CMDB objects managed by our
 * own dynamic provider (src/providers/fortios). What to create comes from the pure plan
 * (src/model/fortigate.ts); this component only turns it into `CmdbObject`s, with each
 * object's dependencies (referents first, referrers deleted first) and the stack's secrets
 * (PSKs) as secret Outputs inside the bodies.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { formatReport } from "../../config/errors";
import { configKey } from "../../config/stack";
import type { SiteModel } from "../../model";
import { planFortigate, type FortigateObject, type FortigatePlan } from "../../model/fortigate";
import type { FortiosConnection } from "../../providers/fortios/client";
import { CmdbObject } from "../../providers/fortios/resource";
import { mapSecrets } from "../../devices/fortios/tables";
import type { Secrets } from "../secrets";
import { applyPlan } from "../apply-plan";

export interface FortigateEdgeArgs {
  /**
   * The resolved site model; `model.config.fortigate` must be set.
   * @example buildModel(loadSite(...))
   */
  readonly model: SiteModel;
  /**
   * The stack's secrets (PSKs: `psk-<peer>`, `dialupPsk`, `{ secret }` of extra tunnels).
   * @example runtimeSecrets(names)
   */
  readonly secrets: Secrets;
  /**
   * Project root: `homelab:fortigate.tls.ca` is read relative to it.
   * @default process.cwd()
   * @example "/home/me/homelab"
   */
  readonly root?: string;
}

/** How the provider reaches the FortiGate (no token: it comes from the stack secret). */
export function connectionOf(model: SiteModel, root: string): FortiosConnection {
  const fg = model.config.fortigate!;
  let ca: string | undefined;
  if (fg.tls.ca !== undefined) {
    const path = isAbsolute(fg.tls.ca) ? fg.tls.ca : join(root, fg.tls.ca);
    try {
      ca = readFileSync(path, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new pulumi.RunError(
        `${configKey("fortigate")}.tls.ca: cannot read ${fg.tls.ca} (${code === "ENOENT" ? "file not found" : (code ?? "unreadable")}): give the path, relative to the project, of the PEM file of the CA that signed the FortiGate's certificate, or pin the certificate with tls.fingerprint instead`,
      );
    }
    if (!ca.includes("-----BEGIN CERTIFICATE-----")) {
      throw new pulumi.RunError(
        `${configKey("fortigate")}.tls.ca: ${fg.tls.ca} is not a PEM certificate (no "-----BEGIN CERTIFICATE-----" line)`,
      );
    }
  }
  return {
    host: fg.host,
    port: fg.port,
    vdom: fg.vdom,
    tls: {
      ...(ca !== undefined ? { ca } : {}),
      ...(fg.tls.fingerprint !== undefined ? { fingerprint: fg.tls.fingerprint } : {}),
      insecureSkipVerify: fg.tls.insecureSkipVerify,
    },
  };
}

/** The FortiGate plan of a site model. */
export function fortigatePlan(model: SiteModel): FortigatePlan {
  const fg = model.config.fortigate;
  if (!fg) throw new Error("internal error: the site has no homelab:fortigate");
  const member = model.federation?.member;
  const plan = planFortigate({
    file: `Pulumi.${model.stack}.yaml`,
    config: fg,
    networks: model.networks,
    siteRoutes: model.routes,
    publish: model.publish,
    federation: member && {
      asn: member.asn,
      routerId: member.routerId,
      peerings: model.federation?.peerings ?? [],
    },
  });
  if (plan.problems.length > 0) throw new pulumi.RunError(formatReport(plan.problems));
  return plan;
}

export class FortigateEdge extends pulumi.ComponentResource {
  /** Every FortiOS object, by its role in the plan ("if-lan", "p1-fgn-baptiste", "bgp"). */
  readonly objects: Readonly<Record<string, CmdbObject>>;
  /** Tunnel (phase1) interfaces of the federation peerings. */
  readonly tunnels: readonly string[];

  constructor(name: string, args: FortigateEdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:fortigate:Edge", name, {}, opts);
    const fg = args.model.config.fortigate!;
    const plan = fortigatePlan(args.model);
    const connection = connectionOf(args.model, args.root ?? process.cwd());
    const created = applyPlan<FortigateObject, CmdbObject>(plan, {
      name,
      parent: this,
      idOf: (object) => object.id,
      create: ({ spec }, { name: childName, opts }) =>
        new CmdbObject(
          childName,
          {
            connection,
            path: spec.path,
            key: spec.key,
            body: mapSecrets(spec.body, (secret) => args.secrets.get(secret)) as Record<
              string,
              pulumi.Input<unknown>
            >,
            secretFields: spec.secretFields,
            identity: spec.identity,
            mode: spec.mode,
            adopt: fg.adopt,
            reset: spec.reset,
          },
          opts,
        ),
    });
    this.objects = Object.fromEntries(created);
    this.tunnels = (args.model.federation?.peerings ?? []).map((p) => p.interfaceName);
    this.registerOutputs({});
  }
}
