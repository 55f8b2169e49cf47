/**
 * SDN: zones (simple, vlan, vxlan), vnets and subnets, and the SDN apply.
 *
 * Proxmox keeps SDN edits pending until they are applied (`PUT /cluster/sdn`). The provider's
 * `sdn.Applier` applies when it is created, so:
 *
 * - `<name>-sdn-apply` applies on create only, depends on every SDN resource, and every guest
 *   on a vnet depends on it. Its `replacementTrigger` is a fingerprint of the whole SDN
 *   declaration: any zone, vnet or subnet change replaces it, so it applies exactly once in
 *   that `pulumi up`, after the SDN changes and before the guests; an up that changes no SDN
 *   setting does not apply at all.
 * - `<name>-sdn-finalizer` applies on destroy only, and every SDN resource depends on it, so
 *   its delete runs after theirs. Pulumi deletes removed resources at the very end of an up,
 *   after every apply the program could order; the finalizer is what applies those removals
 *   (and a `pulumi destroy`). Its trigger is the set of SDN object ids, so it runs only in an
 *   up that adds or removes a zone, vnet or subnet. Neither applier uses deleteBeforeReplace:
 *   replacing them never touches the SDN resources.
 */
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import type * as pulumi from "@pulumi/pulumi";
import type { SdnPlan } from "../../model/proxmox-plan";
import { childOptions, namePart, type ProxmoxContext } from "./context";

export interface Sdn {
  /** Zones, vnets and subnets, in declaration order. */
  readonly resources: pulumi.CustomResource[];
  /** The apply every guest on a vnet waits for (undefined without SDN). */
  readonly apply?: proxmoxve.sdn.Applier;
  /** The applier whose delete applies removals. */
  readonly finalizer?: proxmoxve.sdn.Applier;
}

type ZoneResource = proxmoxve.sdn.zone.Simple | proxmoxve.sdn.zone.Vlan | proxmoxve.sdn.zone.Vxlan;

export function createSdn(ctx: ProxmoxContext, sdn: SdnPlan | undefined): Sdn {
  if (!sdn) return { resources: [] };
  const finalizer = new proxmoxve.sdn.Applier(
    `${ctx.name}-sdn-finalizer`,
    { onCreate: false, onDestroy: true },
    childOptions(ctx, { replacementTrigger: sdn.objectIds.join(" ") }),
  );
  const after = { dependsOn: [finalizer] };
  const resources: pulumi.CustomResource[] = [];
  for (const zone of sdn.zones) {
    const common = {
      resourceId: zone.name,
      nodes: zone.nodes && [...zone.nodes],
      mtu: zone.mtu,
      ipam: "pve",
    };
    let zoneResource: ZoneResource;
    if (zone.type === "simple") {
      zoneResource = new proxmoxve.sdn.zone.Simple(
        `${ctx.name}-zone-${zone.name}`,
        { ...common, dhcp: zone.dhcp },
        childOptions(ctx, after),
      );
    } else if (zone.type === "vlan") {
      zoneResource = new proxmoxve.sdn.zone.Vlan(
        `${ctx.name}-zone-${zone.name}`,
        { ...common, bridge: zone.bridge },
        childOptions(ctx, after),
      );
    } else {
      zoneResource = new proxmoxve.sdn.zone.Vxlan(
        `${ctx.name}-zone-${zone.name}`,
        { ...common, peers: [...zone.peers] },
        childOptions(ctx, after),
      );
    }
    resources.push(zoneResource);
    for (const vnet of zone.vnets) {
      const vnetResource = new proxmoxve.sdn.Vnet(
        `${ctx.name}-vnet-${vnet.name}`,
        {
          resourceId: vnet.name,
          zone: zoneResource.resourceId,
          alias: vnet.alias,
          tag: vnet.tag,
          vlanAware: vnet.vlanAware,
        },
        childOptions(ctx, after),
      );
      resources.push(vnetResource);
      for (const subnet of vnet.subnets) {
        resources.push(
          new proxmoxve.sdn.Subnet(
            `${ctx.name}-subnet-${vnet.name}-${namePart(subnet.cidr)}`,
            {
              vnet: vnetResource.resourceId,
              cidr: subnet.cidr,
              gateway: subnet.gateway,
              snat: subnet.snat,
              dhcpRange: subnet.dhcpRange,
              dhcpDnsServer: subnet.dhcpDnsServer,
            },
            childOptions(ctx, after),
          ),
        );
      }
    }
  }
  const apply = new proxmoxve.sdn.Applier(
    `${ctx.name}-sdn-apply`,
    { onCreate: true, onDestroy: false },
    childOptions(ctx, { dependsOn: resources, replacementTrigger: sdn.fingerprint }),
  );
  return { resources, apply, finalizer };
}
