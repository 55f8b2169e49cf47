/**
 * The Proxmox VLAN zone routed by the edge router, declared once (vnet `routedBy: edge`):
 * the offline plans of two fixture sites (test/fixtures/sites/vlan-*.yaml), one per edge,
 * hold the vnets, the router's side (derived from the vnet, or declared and cross-checked),
 * and guests with stable addresses on the vnets. The refusals are negative fixtures
 * (test/fixtures/invalid/vlan-routed-*.yaml).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { loadOffline, planStack } from "../../src/cli/offline";
import type { Plan, PlannedResource } from "../../src/cli/mock-runtime";
import { siteDiagram } from "../../src/diagram/graph";
import { byName, ofType, ROOT } from "../helpers/plan";

const FORTIGATE = join(ROOT, "test", "fixtures", "sites", "vlan-fortigate.yaml");
const UNIFI = join(ROOT, "test", "fixtures", "sites", "vlan-unifi.yaml");

const body = (r: PlannedResource) => r.inputs.body as Record<string, unknown>;

/** The first NIC's address and gateway of a planned VM (cloud-init ipConfigs). */
function addressOf(plan: Plan, name: string): { address: string; gateway: string } {
  const init = byName(plan, name).inputs.initialization as {
    ipConfigs: { ipv4: { address: string; gateway: string } }[];
  };
  return init.ipConfigs[0]!.ipv4;
}

/** The vnet a planned VM's first NIC is on. */
function bridgeOf(plan: Plan, name: string): string {
  const devices = byName(plan, name).inputs.networkDevices as { bridge: string }[];
  return devices[0]!.bridge;
}

describe("VLAN zone routed by a FortiGate (test/fixtures/sites/vlan-fortigate.yaml)", () => {
  let plan: Plan;
  before(async () => {
    plan = (await planStack(ROOT, "vlanfg", FORTIGATE)).plan;
  });

  it("Proxmox makes the vnets with their tags, and the subnets with the router's gateway", () => {
    const vnets = ofType(plan, "proxmoxve:sdn/vnet:Vnet").map((r) => [
      r.inputs.resourceId,
      r.inputs.tag,
      r.inputs.zone,
    ]);
    assert.deepEqual(vnets.sort(), [
      ["iot", 40, "vlans"],
      ["lab", 30, "vlans"],
    ]);
    const subnet = byName(plan, "vlanfg-proxmox-subnet-lab-10.30.0.0-24");
    assert.equal(subnet.inputs.gateway, "10.30.0.1");
    assert.equal(subnet.inputs.snat, false);
  });

  it("the FortiGate VLAN interface of vnet lab is derived from it, on sdnVlans.parent", () => {
    const lab = byName(plan, "vlanfg-fortigate-if-lab");
    assert.equal(lab.inputs.path, "system/interface");
    assert.deepEqual(body(lab), {
      name: "lab",
      role: "lan",
      mode: "static",
      ip: "10.30.0.1 255.255.255.0",
      allowaccess: "ping",
      description: "Proxmox SDN vnet vlans/lab (lab machines)",
      vdom: "root",
      type: "vlan",
      interface: "lan",
      vlanid: 30,
    });
    // Created after its parent, which it names (a referent: replaced with it).
    assert.deepEqual(Object.keys(lab.inputs.referents as object), ["if-lan"]);
  });

  it("vnet iot's interface is the declared one, with its DHCP server", () => {
    const iot = byName(plan, "vlanfg-fortigate-if-iot");
    assert.equal(body(iot).vlanid, 40);
    assert.equal(body(iot).ip, "10.40.0.1 255.255.255.0");
    assert.equal(body(iot).description, undefined, "kept as declared");
    assert.equal(body(byName(plan, "vlanfg-fortigate-dhcp-iot")).interface, "iot");
  });

  it("the vnets are LAN networks of the FortiGate: addresses and the Internet policy", () => {
    assert.equal(
      body(byName(plan, "vlanfg-fortigate-addr-net-lab")).subnet,
      "10.30.0.0 255.255.255.0",
    );
    const internet = body(byName(plan, "vlanfg-fortigate-policy-internet"));
    assert.deepEqual(internet.srcintf, [{ name: "iot" }, { name: "lab" }, { name: "lan" }]);
    assert.deepEqual(internet.srcaddr, [
      { name: "net-lan" },
      { name: "net-lab" },
      { name: "net-iot" },
    ]);
    // A vlan zone is layer 2 on the nodes: no route to it via a node.
    const routes = plan.resources.filter((r) => r.inputs.path === "router/static");
    assert.deepEqual(routes, []);
  });

  it("guests get stable addresses on the vnets, outside the router's DHCP leases", () => {
    assert.equal(bridgeOf(plan, "vlanfg-proxmox-guest-builder"), "lab");
    const builder = addressOf(plan, "vlanfg-proxmox-guest-builder");
    assert.match(builder.address, /^10\.30\.0\.\d+\/24$/);
    assert.notEqual(builder.address, "10.30.0.1/24");
    assert.equal(builder.gateway, "10.30.0.1");
    assert.deepEqual(addressOf(plan, "vlanfg-proxmox-guest-runner"), {
      address: "10.30.0.20/24",
      gateway: "10.30.0.1",
    });
    const zigbee = addressOf(plan, "vlanfg-proxmox-guest-zigbee");
    const last = Number(zigbee.address.split("/")[0]!.split(".")[3]);
    assert.ok(last < 100 || last > 199, `${zigbee.address} is outside the DHCP range`);
    assert.equal(zigbee.gateway, "10.40.0.1");
  });

  it("one network per vnet in the namespace, and the diagram draws the router holding its gateway", () => {
    const { model } = loadOffline(ROOT, "vlanfg", FORTIGATE);
    assert.deepEqual(
      model.networks
        .filter((n) => n.name === "lab" || n.name === "iot")
        .map((n) => [n.name, n.kind, n.routedByEdge]),
      [
        ["lab", "sdn", true],
        ["iot", "sdn", true],
      ],
    );
    const d = siteDiagram(model);
    assert.equal(d.nodes.filter((n) => n.id === "net_lab").length, 1);
    const lab = d.nodes.find((n) => n.id === "net_lab");
    assert.deepEqual(lab?.details, [
      "10.30.0.0/24 · SDN vnet · tag 30",
      "gateway 10.30.0.1 on the FortiGate",
    ]);
    const edges = d.edges.filter((e) => e.from === "router" && e.to === "net_lab");
    assert.deepEqual(
      edges.map((e) => [e.kind, e.label]),
      [["attach", "10.30.0.1"]],
    );
    assert.ok(d.edges.some((e) => e.from === "pve_pve1" && e.to === "net_lab"));
  });
});

describe("VLAN zone routed by a UniFi gateway (test/fixtures/sites/vlan-unifi.yaml)", () => {
  let plan: Plan;
  before(async () => {
    plan = (await planStack(ROOT, "vlanuf", UNIFI)).plan;
  });

  it("the UniFi network of vnet lab is derived from it: its VLAN id, subnet and gateway", () => {
    const lab = byName(plan, "vlanuf-unifi-net-lab");
    assert.equal(lab.type, "pulumi-nodejs:dynamic/unifi:Network");
    assert.deepEqual(
      {
        vlan: body(lab).vlan,
        subnet: body(lab).ip_subnet,
        purpose: body(lab).purpose,
        dhcp: body(lab).dhcpd_enabled,
      },
      { vlan: 30, subnet: "10.30.0.1/24", purpose: "corporate", dhcp: false },
    );
  });

  it("vnet media's network is the declared one, with its DHCP server", () => {
    const media = body(byName(plan, "vlanuf-unifi-net-media"));
    assert.equal(media.vlan, 50);
    assert.equal(media.dhcpd_enabled, true);
  });

  it("the firewall allows name the vnets like any UniFi network", () => {
    for (const name of [
      "vlanuf-unifi-policy-management-to-lab-media",
      "vlanuf-unifi-policy-lab-to-media",
    ])
      assert.ok(
        plan.resources.some((r) => r.name === name),
        name,
      );
  });

  it("Proxmox makes the vnets, and the guests have addresses on them", () => {
    const tags = ofType(plan, "proxmoxve:sdn/vnet:Vnet").map((r) => r.inputs.tag);
    assert.deepEqual(tags.sort(), [30, 50]);
    assert.equal(bridgeOf(plan, "vlanuf-proxmox-guest-builder"), "lab");
    assert.equal(addressOf(plan, "vlanuf-proxmox-guest-builder").gateway, "10.30.0.1");
    assert.deepEqual(addressOf(plan, "vlanuf-proxmox-guest-jellyfin"), {
      address: "10.50.0.10/24",
      gateway: "10.50.0.1",
    });
  });
});
