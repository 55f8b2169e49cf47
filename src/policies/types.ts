/**
 * The shapes the guard-rail policies work on. Pure data: the policy pack builds them from
 * what the Pulumi engine gives a pack (`@pulumi/policy`'s PolicyResource), the offline tools
 * from the plan JSON (`npm run plan -- --json`), so both evaluate the same functions.
 */

/** Mandatory violations fail `pulumi preview`/`up` under the pack; advisory ones are printed. */
export type Level = "mandatory" | "advisory";

/** One resource as a policy sees it. */
export interface GuardResource {
  /** Pulumi type token, e.g. `docker:index/volume:Volume`. */
  readonly type: string;
  /** The resource's name (the last part of its URN), as `pulumi preview` prints it. */
  readonly name: string;
  /** Its inputs: secrets are "[secret]" in a plan; a pack sees them unwrapped (see `secretsVisible`). */
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly protect: boolean;
  /** `undefined` when not known: Pulumi does not give a policy pack this option. */
  readonly retainOnDelete?: boolean;
}

/** A resource that a change modifies (same URN on both sides, or moved to a new URN). */
export interface GuardChange {
  readonly before: GuardResource;
  readonly after: GuardResource;
  /** Its URN changes (ancestor types changed): Pulumi deletes and re-creates it. */
  readonly moved: boolean;
}

/** What one change does to the stack, as two offline plans show it. */
export interface GuardChangeSet {
  readonly added: readonly GuardResource[];
  readonly removed: readonly GuardResource[];
  /** In the head plan's registration order (referents before the objects naming them). */
  readonly changed: readonly GuardChange[];
}

export interface Violation {
  /** The policy's name (src/policies/catalog.ts). */
  readonly policy: string;
  readonly level: Level;
  /** The resource's name, or undefined for the stack as a whole. */
  readonly resource?: string;
  readonly message: string;
}
