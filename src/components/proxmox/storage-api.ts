/**
 * Storages the provider has no resource for (iSCSI, and LVM on an iSCSI LUN), created
 * through the Proxmox API itself (`/api2/json/storage`) with `curl`, run by
 * `@pulumi/command`'s local Command on the machine running Pulumi:
 *
 * - create and update: an upsert (PUT the changeable options when the storage exists, else
 *   POST it), so an existing cluster is adopted instead of failing on "already defined";
 * - delete: DELETE when it exists. Removing a storage entry never deletes data: Proxmox only
 *   forgets the definition (the volume group and the LUN stay);
 * - options Proxmox fixes at creation (portal, target, volume group, base) are `triggers`:
 *   a change re-creates the entry (delete first, since the id is the same).
 *
 * The API token reaches curl through the environment (a secret input) and curl's `--config -`
 * on stdin, never on a command line; `-q` ignores any ~/.curlrc.
 */
import * as command from "@pulumi/command";
import type * as pulumi from "@pulumi/pulumi";
import type { ApiStorage } from "../../model/proxmox";

/** Single-quotes a word for POSIX sh. */
export function shQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export interface ApiTarget {
  /** API base, e.g. "https://172.24.0.11:8006" (no trailing slash: `apiBase`). */
  readonly base: string;
  /** Do not verify the API certificate (tls.insecureSkipVerify). */
  readonly insecure: boolean;
}

const TOKEN_ENV = "PVE_API_TOKEN";

function prelude(target: ApiTarget): string {
  const tls = target.insecure ? " --insecure" : "";
  return [
    "set -eu",
    // printf is a shell builtin: the token never appears in a process's arguments.
    `api() { printf 'header = "Authorization: PVEAPIToken=%s"\\n' "$${TOKEN_ENV}" | curl -q --silent --show-error --fail-with-body${tls} --config - "$@"; }`,
  ].join("\n");
}

function form(params: Readonly<Record<string, string>>): string {
  return Object.entries(params)
    .map(([key, value]) => ` --data-urlencode ${shQuote(`${key}=${value}`)}`)
    .join("");
}

/** The create/update script: PUT the changeable options if the storage exists, else POST it. */
export function upsertScript(target: ApiTarget, storage: ApiStorage): string {
  const url = `${target.base}/api2/json/storage`;
  const one = shQuote(`${url}/${storage.id}`);
  const update =
    form(storage.update) + (storage.clear.length ? form({ delete: storage.clear.join(",") }) : "");
  return [
    prelude(target),
    `if api --output /dev/null ${one}; then`,
    `  api -X PUT ${one}${update} >/dev/null`,
    "else",
    `  api -X POST ${shQuote(url)}${form(storage.create)} >/dev/null`,
    "fi",
  ].join("\n");
}

/** The delete script: DELETE the storage entry when it exists. */
export function deleteScript(target: ApiTarget, storage: ApiStorage): string {
  const one = shQuote(`${target.base}/api2/json/storage/${storage.id}`);
  return [
    prelude(target),
    `if api --output /dev/null ${one}; then`,
    `  api -X DELETE ${one} >/dev/null`,
    "fi",
  ].join("\n");
}

export function createApiStorage(
  name: string,
  storage: ApiStorage,
  target: ApiTarget,
  token: pulumi.Output<string>,
  opts: pulumi.CustomResourceOptions,
): command.local.Command {
  const script = upsertScript(target, storage);
  return new command.local.Command(
    name,
    {
      interpreter: ["/bin/sh", "-c"],
      create: script,
      update: script,
      delete: deleteScript(target, storage),
      environment: { [TOKEN_ENV]: token },
      triggers: [storage.id, storage.fixed],
    },
    { ...opts, deleteBeforeReplace: true },
  );
}
