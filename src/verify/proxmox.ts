/**
 * Proxmox checks, through the API with the stack's token (GETs only):
 *
 * - every guest running (or stopped, when planned so) on its node:
 *   `GET /nodes/{node}/qemu/{vmid}/status/current` (proxmox/qemu-server
 *   src/PVE/API2/Qemu.pm `{vmid}/status/current`, `status` enum stopped|running in
 *   src/PVE/QemuServer.pm) and `GET /nodes/{node}/lxc/{vmid}/status/current`
 *   (proxmox/pve-container src/PVE/API2/LXC/Status.pm `vm_status`, the enum in src/PVE/LXC.pm);
 * - the SDN applied: `GET /cluster/sdn/zones?pending=1` and `/cluster/sdn/vnets?pending=1`
 *   (proxmox/pve-network src/PVE/API2/Network/SDN/Zones.pm and Vnets.pm): with `pending`, each
 *   object carries `state` new|changed|deleted and a `pending` object when its configuration
 *   differs from the running one (src/PVE/Network/SDN.pm `pending_config`); an applied
 *   object has no `state`;
 * - every declared storage active on the nodes it serves: `GET /nodes/{node}/storage`
 *   (proxmox/pve-storage src/PVE/API2/Storage/Status.pm: `storage`, `enabled`, `active`).
 *
 * A node declared `powered: false` is not asked: its storages are skipped (no guest may run
 * on it: validation refuses one).
 */
import type { SiteModel } from "../model";
import type { ProxmoxConnection } from "../model/proxmox-plan";
import { HttpClient } from "../providers/http";
import { failFast, unanswered } from "./reach";
import { fail, ok, skip, unreadable, type Row } from "./report";

/** `data` of an API answer, or an error saying what the API answered; `close` ends its connections. */
export type ProxmoxReader = ((path: string) => Promise<unknown>) & { close?: () => void };

export function proxmoxApi(connection: ProxmoxConnection, token: string): ProxmoxReader {
  const http = new HttpClient({
    baseUrl: connection.apiBase,
    tls: { insecureSkipVerify: connection.insecureSkipVerify },
    retries: 2,
    secrets: () => [token, token.split("=").slice(1).join("=")],
    label: `Proxmox ${new URL(connection.apiBase).host}`,
  });
  const base = new URL(connection.apiBase).pathname.replace(/\/+$/, "");
  const read = failFast(async (path: string) => {
    const response = await http.request({
      method: "GET",
      path: `${base}/api2/json${path}`,
      headers: { authorization: `PVEAPIToken=${token}` },
    });
    if (response.status === 401)
      throw new Error(
        `the API refused the token (HTTP 401): check PROXMOX_VE_API_TOKEN (${connection.apiTokenId})`,
      );
    if (response.status !== 200) {
      // The API puts an error's reason in the status line; the body is {"data":null}, or
      // {"errors": {param: message}} for a bad parameter.
      const errors = (response.json as { errors?: unknown } | undefined)?.errors;
      const reason = errors ? JSON.stringify(errors).slice(0, 200) : "";
      throw new ProxmoxStatus(
        response.status,
        `HTTP ${response.status}${reason ? `: ${reason}` : ""}`,
      );
    }
    return (response.json as { data?: unknown } | undefined)?.data;
  }, unanswered);
  return Object.assign(read, { close: () => http.close() });
}

/** A non-200 answer of the API (a guest that does not exist answers 500). */
export class ProxmoxStatus extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Obj = Record<string, unknown>;
const objects = (v: unknown): Obj[] =>
  Array.isArray(v) ? v.filter((x): x is Obj => x !== null && typeof x === "object") : [];
const text = (v: unknown): string =>
  typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : "";

/** Validation keeps guests off nodes declared powered: false, so each is asked. */
async function checkGuests(model: SiteModel, read: ProxmoxReader): Promise<Row[]> {
  const rows: Row[] = [];
  for (const guest of model.proxmox?.guests ?? []) {
    const target = `${guest.type} ${guest.vmid} ${guest.name} on ${guest.node}`;
    const want = guest.started ? "running" : "stopped";
    const kind = guest.type === "vm" ? "qemu" : "lxc";
    try {
      const data = (await read(`/nodes/${guest.node}/${kind}/${guest.vmid}/status/current`)) as
        Obj | undefined;
      const status = text(data?.status);
      rows.push(
        status === want
          ? ok("guest", target, status)
          : fail("guest", target, `${status || "no status"}, planned ${want}`),
      );
    } catch (error) {
      rows.push(
        error instanceof ProxmoxStatus
          ? fail("guest", target, `not on ${guest.node} (${error.message})`)
          : unreadable("guest", target, error),
      );
    }
  }
  return rows;
}

async function checkSdn(model: SiteModel, read: ProxmoxReader): Promise<Row[]> {
  const zones = model.proxmox?.sdn?.zones ?? [];
  if (zones.length === 0) return [];
  const rows: Row[] = [];
  const kinds = [
    { key: "zone", path: "/cluster/sdn/zones?pending=1", names: zones.map((z) => z.name) },
    {
      key: "vnet",
      path: "/cluster/sdn/vnets?pending=1",
      names: zones.flatMap((z) => z.vnets.map((v) => v.name)),
    },
  ];
  for (const kind of kinds) {
    let found: Obj[];
    try {
      found = objects(await read(kind.path));
    } catch (error) {
      rows.push(...kind.names.map((n) => unreadable("sdn", `${kind.key} ${n}`, error)));
      continue;
    }
    for (const name of kind.names) {
      const target = `${kind.key} ${name}`;
      const object = found.find((o) => o[kind.key] === name);
      const state = text(object?.state);
      const pending = Object.keys((object?.pending as Obj | undefined) ?? {}).sort();
      rows.push(
        !object
          ? fail("sdn", target, "not in the cluster's SDN configuration: run pulumi up")
          : state === "new"
            ? fail(
                "sdn",
                target,
                "created but never applied: pending (Datacenter > SDN > Apply, or pulumi up)",
              )
            : state !== ""
              ? fail(
                  "sdn",
                  target,
                  `${state}, not applied${pending.length > 0 ? ` (pending: ${pending.join(", ")})` : ""}: apply the SDN (Datacenter > SDN > Apply, or pulumi up)`,
                )
              : ok("sdn", target, "applied, nothing pending"),
      );
    }
  }
  return rows;
}

async function checkStorages(
  model: SiteModel,
  read: ProxmoxReader,
  powered: Set<string>,
): Promise<Row[]> {
  const proxmox = model.config.proxmox;
  if (!proxmox) return [];
  const rows: Row[] = [];
  const byNode = new Map<string, Promise<Obj[]>>();
  const listing = (node: string) => {
    let answer = byNode.get(node);
    if (!answer) {
      answer = read(`/nodes/${node}/storage`).then(objects);
      byNode.set(node, answer);
    }
    return answer;
  };
  for (const storage of proxmox.storages) {
    const nodes = proxmox.nodes
      .map((n) => n.name)
      .filter((n) => !storage.nodes || storage.nodes.includes(n));
    for (const node of nodes) {
      const target = `${storage.name} on ${node}`;
      if (!powered.has(node)) {
        rows.push(skip("storage", target, `node ${node} is declared powered: false`));
        continue;
      }
      try {
        const s = (await listing(node)).find((x) => x.storage === storage.name);
        rows.push(
          !s
            ? fail("storage", target, `not a storage of ${node}`)
            : s.enabled === false || s.enabled === 0
              ? fail("storage", target, "disabled")
              : s.active !== true && s.active !== 1
                ? fail(
                    "storage",
                    target,
                    `inactive: ${node} cannot reach it (pvesm status on ${node})`,
                  )
                : ok("storage", target, `active (${text(s.type)})`),
        );
      } catch (error) {
        rows.push(unreadable("storage", target, error));
      }
    }
  }
  return rows;
}

/** Every Proxmox check of the site. */
export async function checkProxmox(model: SiteModel, read: ProxmoxReader): Promise<Row[]> {
  const proxmox = model.config.proxmox;
  if (!proxmox) return [];
  const powered = new Set(proxmox.nodes.filter((n) => n.powered).map((n) => n.name));
  return [
    ...(await checkGuests(model, read)),
    ...(await checkSdn(model, read)),
    ...(await checkStorages(model, read, powered)),
  ];
}
