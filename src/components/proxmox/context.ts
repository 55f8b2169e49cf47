/** What every part of the Proxmox component needs to create its resources. */
import type * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import type * as pulumi from "@pulumi/pulumi";

export interface ProxmoxContext {
  /** The component's name: children are named `${name}-<role>`. */
  readonly name: string;
  /** The component: parent of every child. */
  readonly parent: pulumi.Resource;
  /** The cluster's explicit provider. */
  readonly provider: proxmoxve.Provider;
}

/** Options of a child resource: parented to the component, on its explicit provider. */
export function childOptions(
  ctx: ProxmoxContext,
  extra: pulumi.CustomResourceOptions = {},
): pulumi.CustomResourceOptions {
  return { ...extra, parent: ctx.parent, provider: ctx.provider };
}

/** A resource name part from free text: "10.128.0.0/24" → "10.128.0.0-24". */
export function namePart(text: string): string {
  return text.replace(/[^A-Za-z0-9.-]+/g, "-");
}

/**
 * Aliases of a guest's resource named `${ctx.name}-<role>-<guest><suffix>` under the guest's
 * former names (`renamedFrom`): the renamed guest's resources stay the same resources.
 */
export function formerly(
  ctx: ProxmoxContext,
  guest: { readonly formerNames: readonly string[] },
  role: string,
  suffix = "",
): Pick<pulumi.CustomResourceOptions, "aliases"> {
  return guest.formerNames.length > 0
    ? { aliases: guest.formerNames.map((n) => ({ name: `${ctx.name}-${role}-${n}${suffix}` })) }
    : {};
}
