/**
 * Multi-value options (space-separated words the device stores in its own order) of every
 * table the project writes, as dotted attribute paths ("secondaryip.allowaccess"): generated
 * by scripts/fortios-schema.mjs from Fortinet's schema of FortiOS 7.4.4
 * (test/emulators/fortigate-schema-7.4.json; a test holds the two equal). Do not edit.
 *
 * Runs inside the serialized provider: plain data only.
 */
export const MULTI_VALUE: Readonly<Record<string, readonly string[]>> = {
  "system/interface": [
    "allowaccess",
    "detectprotocol",
    "dns-server-protocol",
    "fail-detect-option",
    "ipv6.ip6-allowaccess",
    "secondaryip.allowaccess",
    "secondaryip.detectprotocol",
  ],
  "system.dhcp/server": [],
  "firewall/address": [],
  "firewall/addrgrp": [],
  "firewall/vip": ["ssl-cipher-suites.versions", "ssl-server-cipher-suites.versions"],
  "firewall/policy": [],
  "router/static": [],
  "router/prefix-list": [],
  "router/route-map": [],
  "router/bgp": [
    "neighbor-group.attribute-unchanged",
    "neighbor-group.attribute-unchanged-vpnv4",
    "neighbor-group.attribute-unchanged-vpnv6",
    "neighbor-group.attribute-unchanged6",
    "neighbor.attribute-unchanged",
    "neighbor.attribute-unchanged-vpnv4",
    "neighbor.attribute-unchanged-vpnv6",
    "neighbor.attribute-unchanged6",
  ],
  "vpn.ipsec/phase1-interface": ["dhgrp", "proposal", "signature-hash-alg"],
  "vpn.ipsec/phase2-interface": ["dhgrp", "proposal"],
  "user/local": [],
  "user/group": [],
};
