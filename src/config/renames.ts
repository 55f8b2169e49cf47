/**
 * `renamedFrom`: the former names of a service, a host, a Proxmox guest, a UniFi network or
 * the WireGuard server. Pulumi knows a resource by its URN, which holds its name: renamed
 * without more, every resource named after it would be deleted and created again (new empty
 * volumes, a new VLAN, new passwords). With `renamedFrom`, the program declares Pulumi
 * aliases from the old names to the new ones, so a rename re-creates nothing, and every
 * value derived from the name that a resource cannot change in place (a guest's derived
 * vmid and auto addresses, a Docker volume's name and labels) keeps coming from the first
 * name. The rules across entries are in renames.rules.ts.
 *
 * Imported by the section schemas: nothing here may import stack.ts.
 */
import { z } from "zod";
import { doc, name } from "./primitives";

/**
 * The field: one former name or a list, oldest first (no transform to a list: a transform
 * would drop the defaults of the enclosing lists from the editors' JSON Schema; the program
 * reads it through `formerNames`).
 */
export const renamedFromSchema = doc(
  z.union([name, z.array(name).min(1, { error: "must list at least one former name" })], {
    error: "must be the former name, or a list of former names (oldest first)",
  }),
  "Former name(s), oldest first: Pulumi aliases keep every resource named after it, so the rename re-creates nothing; values fixed at creation (derived vmid and auto addresses, Docker volume names) keep coming from the first name.",
  ["immich", ["immich", "photos"]],
).optional();

/** An entry that may have been renamed. */
export interface Renamable {
  readonly name: string;
  readonly renamedFrom?: string | readonly string[];
}

/**
 * The name an entry was first created with: what values fixed at creation derive from (the
 * first former name, or its name when it was never renamed).
 */
export function firstName(entry: Renamable): string {
  return formerNames(entry)[0] ?? entry.name;
}

/** The former names of an entry, oldest first (none when it was never renamed). */
export function formerNames(entry: Renamable): readonly string[] {
  const { renamedFrom } = entry;
  return renamedFrom === undefined
    ? []
    : typeof renamedFrom === "string"
      ? [renamedFrom]
      : renamedFrom;
}
