/** Step: the configured interfaces. Parents before VLANs; physical ports are only updated. */
import type { FortigateInterface } from "../../config/fortigate";
import {
  createdInterface,
  existingInterface,
  type CmdbSpec,
  type InterfaceBody,
} from "../../devices/fortios/tables";
import { ipMask, must, type FortigateContext } from "./context";
import type { InterfaceAddress } from "./topology";

/** The FortiOS object of one configured interface. */
function interfaceSpec(
  iface: FortigateInterface,
  vdom: string,
  address: InterfaceAddress | undefined,
): CmdbSpec<InterfaceBody> {
  const common: InterfaceBody = {
    name: iface.name,
    role: iface.role,
    mode: iface.mode,
    ...(address ? { ip: ipMask(address.address, address.length) } : {}),
    allowaccess: iface.allowaccess.join(" "),
    ...(iface.alias !== undefined ? { alias: iface.alias } : {}),
    ...(iface.description !== undefined ? { description: iface.description } : {}),
  };
  switch (iface.type) {
    case "physical":
      return existingInterface(common);
    case "aggregate":
      return createdInterface({
        ...common,
        vdom,
        type: "aggregate",
        member: (iface.members ?? []).map((m) => ({ "interface-name": m })),
        "lacp-mode": iface.lacpMode,
      });
    case "vlan":
      return createdInterface({
        ...common,
        vdom,
        type: "vlan",
        interface: must(iface.parent, `the parent of VLAN ${iface.name}`),
        vlanid: must(iface.vlanId, `the VLAN id of ${iface.name}`),
      });
    case "loopback":
      return createdInterface({ ...common, vdom, type: "loopback" });
  }
}

export function planInterfaces(ctx: FortigateContext): void {
  const { fg, topology } = ctx;
  const ordered = [...fg.interfaces].sort(
    (a, b) => Number(a.type === "vlan") - Number(b.type === "vlan"),
  );
  for (const iface of ordered) {
    const spec = interfaceSpec(iface, fg.vdom, topology.addressOf(iface.name));
    const parent = iface.type === "vlan" && iface.parent ? `if-${iface.parent}` : undefined;
    ctx.add(`if-${iface.name}`, spec, [parent && ctx.has(parent) ? parent : undefined]);
  }
}
