/**
 * What the FortiGate is checked for before anything is written (a `DeviceCheck` resource,
 * src/providers/fortios/check.ts): facts of the device a plan cannot see, which would
 * otherwise make a run fail part-way, after other objects were written. Pure data.
 */

/** An aggregate the plan creates, with the ports it takes. */
export interface AggregateCheck {
  readonly name: string;
  /** Each must be a physical port in no hardware or software switch, with no address. */
  readonly members: readonly string[];
}

export interface DeviceCheckSpec {
  readonly aggregates: readonly AggregateCheck[];
  /**
   * The interface this stack creates whose address is the one the stack reaches the
   * FortiGate at: the first run cannot reach it before it exists (bootstrap).
   */
  readonly managementInterface?: string;
}
