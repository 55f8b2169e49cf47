/**
 * `homelab:fortigate:Edge`: the FortiGate of a site, as FortiOS CMDB objects managed by our
 * own dynamic provider (src/providers/fortios). What to create, and on which device, is the
 * pure plan of the model (src/model/fortigate/); this component only turns it into
 * resources: the `DeviceCheck` that reads the device before anything is written, then one
 * `CmdbObject` per object, with its dependencies (referents first, referrers deleted first),
 * the stack's secrets (PSKs, user passwords) as secret Outputs inside the bodies, and
 * `referents`: the URNs of the objects it names, so that replacing one replaces it too
 * (src/providers/fortios/provider.ts, `diff`).
 */
import * as pulumi from "@pulumi/pulumi";
import { mapSecrets } from "../../devices/fortios/tables";
import type { FortigateObject, FortigatePlan } from "../../model/fortigate";
import { CmdbObject, DeviceCheck } from "../../providers/fortios/resource";
import { applyPlan } from "../apply-plan";
import type { Secrets } from "../secrets";

export interface FortigateEdgeArgs {
  /**
   * The FortiGate's plan: its objects in dependency order, and how to reach the device
   * (host, port, VDOM, TLS trust with the CA read at load; no token).
   * @example model.fortigate
   */
  readonly plan: FortigatePlan;
  /**
   * The stack's secrets (PSKs: `psk-<peer>`, `dialupPsk`, `{ secret }` of extra tunnels and
   * of the dial-up users' passwords).
   * @example runtimeSecrets(names)
   */
  readonly secrets: Secrets;
}

type Resource = CmdbObject | DeviceCheck;

export class FortigateEdge extends pulumi.ComponentResource {
  /** Every FortiOS object, by its role in the plan ("if-lan", "p1-fgn-baptiste", "bgp"). */
  readonly objects: Readonly<Record<string, CmdbObject>>;
  /** The check of the device before any write, when the plan has one. */
  readonly check?: DeviceCheck;
  /** Tunnel (phase1) interfaces of the federation peerings. */
  readonly tunnels: readonly string[];

  constructor(name: string, args: FortigateEdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:fortigate:Edge", name, {}, opts);
    const { plan, secrets } = args;
    const kinds = new Map(plan.objects.map((o) => [o.role, o.kind]));
    const created = applyPlan<FortigateObject, Resource>(plan, {
      name,
      parent: this,
      idOf: (object) => object.id,
      create: (object, { name: childName, opts: childOpts }) => {
        if (object.kind === "DeviceCheck") {
          return new DeviceCheck(
            childName,
            {
              connection: plan.connection,
              aggregates: object.spec.aggregates,
              managementInterface: object.spec.managementInterface,
            },
            childOpts,
          );
        }
        const { spec } = object;
        const deps = (childOpts.dependsOn ?? []) as pulumi.Resource[];
        const referents = Object.fromEntries(
          object.dependsOn.flatMap((role, i) => {
            const resource = deps[i];
            return kinds.get(role) === "CmdbObject" && resource ? [[role, resource.urn]] : [];
          }),
        );
        return new CmdbObject(
          childName,
          {
            connection: plan.connection,
            path: spec.path,
            key: spec.key,
            body: mapSecrets(spec.body, (secret) => secrets.get(secret)) as Record<
              string,
              pulumi.Input<unknown>
            >,
            secretFields: spec.secretFields,
            identity: spec.identity,
            mode: spec.mode,
            adopt: plan.adopt,
            reset: spec.reset,
            ...(spec.fallback ? { fallback: spec.fallback } : {}),
            referents,
          },
          spec.protect ? { ...childOpts, protect: true } : childOpts,
        );
      },
    });
    this.objects = Object.fromEntries(
      [...created].filter((entry): entry is [string, CmdbObject] => entry[1] instanceof CmdbObject),
    );
    const check = [...created.values()].find((r): r is DeviceCheck => r instanceof DeviceCheck);
    if (check) this.check = check;
    this.tunnels = plan.tunnels;
    this.registerOutputs({ objects: this.objects, tunnels: this.tunnels });
  }
}
