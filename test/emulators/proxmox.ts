/**
 * A small Proxmox VE API (`/api2/json`, read-only) for verify's tests, on the shared
 * EmulatorServer: token auth (`Authorization: PVEAPIToken=<user@realm!id>=<secret>`, 401
 * otherwise), answers in the API's `{ data }` envelope, a guest that does not exist answered
 * 500 with `{"data":null}` as qemu-server and pve-container do (the reason goes in the status
 * line). Shapes from the API schemas in the sources:
 * - `GET /nodes/{node}/qemu|lxc/{vmid}/status/current`: `status` stopped|running, `vmid`,
 *   `name` (proxmox/qemu-server src/PVE/QemuServer.pm, proxmox/pve-container src/PVE/LXC.pm);
 * - `GET /cluster/sdn/zones|vnets?pending=1`: objects with `zone`/`vnet`, `type`, and when not
 *   applied `state` new|changed|deleted with a `pending` object (proxmox/pve-network
 *   src/PVE/Network/SDN.pm `pending_config`); without `pending`, the objects as configured;
 * - `GET /nodes/{node}/storage`: `storage`, `type`, `content`, `enabled`, `active`, `shared`
 *   (proxmox/pve-storage src/PVE/API2/Storage/Status.pm).
 */
import { EmulatorServer, type EmulatorRequest, type EmulatorResponse } from "./server";

export interface GuestState {
  readonly node: string;
  readonly kind: "qemu" | "lxc";
  readonly vmid: number;
  readonly name: string;
  status: "running" | "stopped";
}

export interface SdnObjectState {
  readonly id: string;
  readonly type: string;
  /** Not applied: what `pending_config` reports. */
  state?: "new" | "changed" | "deleted";
  pending?: Record<string, unknown>;
  /** vnets: their zone. */
  readonly zone?: string;
}

export interface StorageState {
  readonly storage: string;
  readonly type: string;
  readonly content: string;
  enabled: 0 | 1;
  active: 0 | 1;
  readonly shared: 0 | 1;
}

export interface ProxmoxState {
  guests: GuestState[];
  zones: SdnObjectState[];
  vnets: SdnObjectState[];
  /** node → its storages. */
  storages: Record<string, StorageState[]>;
}

export class ProxmoxEmulator {
  readonly server = new EmulatorServer((request) => this.handle(request));
  state: ProxmoxState = { guests: [], zones: [], vnets: [], storages: {} };

  /** `token`: the whole `user@realm!id=secret` the API accepts. */
  constructor(readonly token: string) {}

  start(): Promise<string> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  private handle(request: EmulatorRequest): EmulatorResponse {
    if (request.headers.authorization !== `PVEAPIToken=${this.token}`)
      return { status: 401, body: { data: null } };
    const [api, json, ...path] = request.segments;
    if (api !== "api2" || json !== "json" || request.method !== "GET")
      return { status: 501, body: { data: null } };
    const data = this.route(path, request.query);
    return data === undefined
      ? { status: 500, body: { data: null } }
      : { status: 200, body: { data } };
  }

  private route(path: string[], query: URLSearchParams): unknown {
    const [a, b, c, d, e, f] = path;
    if (
      a === "nodes" &&
      b &&
      (c === "qemu" || c === "lxc") &&
      d &&
      e === "status" &&
      f === "current"
    ) {
      const guest = this.state.guests.find(
        (g) => g.node === b && g.kind === c && String(g.vmid) === d,
      );
      return (
        guest && {
          vmid: guest.vmid,
          name: guest.name,
          status: guest.status,
          uptime: guest.status === "running" ? 3600 : 0,
        }
      );
    }
    if (a === "nodes" && b && c === "storage" && path.length === 3)
      return this.state.storages[b] ?? [];
    if (a === "cluster" && b === "sdn" && (c === "zones" || c === "vnets") && path.length === 3) {
      const key = c === "zones" ? "zone" : "vnet";
      const pending = query.get("pending") === "1";
      return this.state[c].map((o) => ({
        [key]: o.id,
        type: o.type,
        ...(o.zone ? { zone: o.zone } : {}),
        ...(pending && o.state ? { state: o.state, pending: o.pending ?? {} } : {}),
      }));
    }
    return undefined;
  }
}
