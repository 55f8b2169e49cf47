/**
 * Step: the reverse proxy published on the WAN. A port-forwarding VIP per port, the allowed
 * sources as one address group (nothing for `any`), and one policy from the WAN.
 */
import { addressGroup, virtualIp } from "../../devices/fortios/tables";
import { addressRole, cidrMask, must, names, roleName, type FortigateContext } from "./context";

/** FortiOS object names: at most 79 characters. */
const objectName = (text: string) => text.slice(0, 79);

export function planPublish(ctx: FortigateContext): void {
  const publish = ctx.publish;
  if (!publish) return;
  const wan = must(
    ctx.fg.interfaces.find((i) => i.role === "wan")?.name,
    "the WAN interface the proxy is published on",
  );
  const vips = publish.ports.map((port) => {
    const name = objectName(`pub-${publish.host}-${port}`);
    ctx.add(
      `vip-${name}`,
      virtualIp({
        name,
        type: "static-nat",
        extip: "0.0.0.0",
        extintf: wan,
        mappedip: [{ range: publish.address }],
        portforward: "enable",
        protocol: "tcp",
        extport: String(port),
        mappedport: String(port),
        comment: `reverse proxy ${publish.host}`,
      }),
      [ctx.interfaceRole(wan)],
    );
    return name;
  });
  let srcaddr = ["all"];
  const srcDeps: string[] = [];
  if (publish.sources !== "any") {
    const sources = publish.sources.map((prefix, i) => {
      const name = objectName(`pub-src-${publish.sourceName}-${i}`);
      ctx.addAddress(name, cidrMask(prefix), `may reach the reverse proxy (${publish.sourceName})`);
      return name;
    });
    const group = objectName(`pub-src-${publish.sourceName}`);
    ctx.add(
      `grp-${group}`,
      addressGroup({ name: group, member: names(sources) }),
      sources.map(addressRole),
    );
    srcaddr = [group];
    srcDeps.push(roleName(`grp-${group}`));
  }
  const target = must(
    ctx.topology.interfaceTowards(ctx.networks, publish.address),
    `the interface towards the proxy host ${publish.host}`,
  );
  ctx.policies.push({
    name: `publish-${publish.host}`.slice(0, 35),
    body: {
      srcintf: names([wan]),
      dstintf: names([target]),
      srcaddr: names(srcaddr),
      dstaddr: names(vips),
      service: names(["ALL"]),
      schedule: "always",
      action: "accept",
      nat: "disable",
      comments: `WAN to the reverse proxy ${publish.host} (${publish.sourceName})`,
    },
    deps: [
      ...vips.map((v) => roleName(`vip-${v}`)),
      ...srcDeps,
      ctx.interfaceRole(target),
      ctx.interfaceRole(wan),
    ],
  });
}
