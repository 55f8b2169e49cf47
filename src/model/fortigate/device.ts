/**
 * What the FortiGate itself decides about the plan: facts the program reads from the device
 * before the model is built (src/components/fortigate/device-facts.ts), because the objects
 * depend on them, and what the offline plan assumes instead.
 */

/** What the plan needs to know about the device. */
export interface FortigateDeviceFacts {
  /**
   * Whether router/bgp has the `redistribute` table (the device's own schema, `GET
   * cmdb/router/bgp?action=schema`, says). Without it, BGP announces from its network table.
   */
  readonly bgpRedistribute: boolean;
  /** Where the facts come from: "device" (asked in this run), or why they are assumed. */
  readonly source: string;
}

/**
 * The offline assumption: router/bgp has `redistribute`. Fortinet's Terraform provider
 * (generated from device schemas up to FortiOS 7.4.12/7.6/8.0) sends the table on every
 * release, with EVPN fields no release before 7.4 has; the Ansible collection lists it only
 * up to 7.0.5/7.2.0. A real run asks the device.
 */
export const ASSUMED_DEVICE: FortigateDeviceFacts = {
  bgpRedistribute: true,
  source:
    "assumed offline: router/bgp has redistribute (Fortinet's Terraform provider sends it on every FortiOS release); a real run asks the FortiGate (GET cmdb/router/bgp?action=schema)",
};
