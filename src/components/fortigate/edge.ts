/**
 * `homelab:fortigate:Edge`: the FortiGate of a site, as FortiOS CMDB objects managed by our
 * own dynamic provider (src/providers/fortios). What to create, and on which device, is the
 * pure plan of the model (src/model/fortigate/); this component only turns it into
 * `CmdbObject`s, with each object's dependencies (referents first, referrers deleted first)
 * and the stack's secrets (PSKs) as secret Outputs inside the bodies.
 */
import * as pulumi from "@pulumi/pulumi";
import { mapSecrets } from "../../devices/fortios/tables";
import type { FortigateObject, FortigatePlan } from "../../model/fortigate";
import { CmdbObject } from "../../providers/fortios/resource";
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
   * The stack's secrets (PSKs: `psk-<peer>`, `dialupPsk`, `{ secret }` of extra tunnels).
   * @example runtimeSecrets(names)
   */
  readonly secrets: Secrets;
}

export class FortigateEdge extends pulumi.ComponentResource {
  /** Every FortiOS object, by its role in the plan ("if-lan", "p1-fgn-baptiste", "bgp"). */
  readonly objects: Readonly<Record<string, CmdbObject>>;
  /** Tunnel (phase1) interfaces of the federation peerings. */
  readonly tunnels: readonly string[];

  constructor(name: string, args: FortigateEdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:fortigate:Edge", name, {}, opts);
    const { plan, secrets } = args;
    const created = applyPlan<FortigateObject, CmdbObject>(plan, {
      name,
      parent: this,
      idOf: (object) => object.id,
      create: ({ spec }, { name: childName, opts: childOpts }) =>
        new CmdbObject(
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
          },
          childOpts,
        ),
    });
    this.objects = Object.fromEntries(created);
    this.tunnels = plan.tunnels;
    this.registerOutputs({ objects: this.objects, tunnels: this.tunnels });
  }
}
