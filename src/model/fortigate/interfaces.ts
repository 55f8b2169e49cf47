/**
 * Step: the configured interfaces. Parents before VLANs; physical ports are only updated.
 * The interface this stack creates that holds the address the stack reaches the FortiGate
 * at (and its parent) is protected: deleting or replacing it would cut the run off from
 * the device mid-way, so Pulumi refuses instead, at preview.
 *
 * And the device check, planned first: the ports each aggregate takes must be free (no
 * hardware or software switch, no address) — on a factory FortiGate 60E, internal1-7 are
 * the `internal` hardware switch — and the bootstrap of the API address.
 */
import type { FortigateConfig, FortigateInterface } from "../../config/fortigate";
import { parseIPv4 } from "../../lib/net";
import {
  createdInterface,
  existingInterface,
  type CmdbSpec,
  type InterfaceBody,
} from "../../devices/fortios/tables";
import { ipMask, must, type FortigateContext } from "./context";
import type { FortigateTopology, InterfaceAddress } from "./topology";

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

/**
 * The interfaces this stack creates that carry the API address: the one whose address is
 * `host`, and the parent of a VLAN among them.
 */
export function managementInterfaces(fg: FortigateConfig, topology: FortigateTopology): string[] {
  const host = parseIPv4(fg.host);
  const holder = fg.interfaces.find(
    (i) =>
      i.type !== "physical" && host !== undefined && topology.addressOf(i.name)?.address === host,
  );
  if (!holder) return [];
  const parent =
    holder.type === "vlan" ? fg.interfaces.find((i) => i.name === holder.parent) : undefined;
  return [holder.name, ...(parent && parent.type !== "physical" ? [parent.name] : [])];
}

export function planDeviceCheck(ctx: FortigateContext): void {
  const aggregates = ctx.fg.interfaces
    .filter((i) => i.type === "aggregate")
    .map((i) => ({ name: i.name, members: i.members ?? [] }));
  const [management] = managementInterfaces(ctx.fg, ctx.topology);
  if (aggregates.length === 0 && management === undefined) return;
  ctx.addCheck({
    aggregates,
    ...(management !== undefined ? { managementInterface: management } : {}),
  });
}

export function planInterfaces(ctx: FortigateContext): void {
  const { fg, topology } = ctx;
  const management = managementInterfaces(fg, topology);
  const ordered = [...fg.interfaces].sort(
    (a, b) => Number(a.type === "vlan") - Number(b.type === "vlan"),
  );
  for (const iface of ordered) {
    const spec = interfaceSpec(iface, fg.vdom, topology.addressOf(iface.name));
    const parent = iface.type === "vlan" && iface.parent ? `if-${iface.parent}` : undefined;
    ctx.add(
      `if-${iface.name}`,
      management.includes(iface.name) ? { ...spec, protect: true } : spec,
      [parent && ctx.has(parent) ? parent : undefined],
    );
  }
}
