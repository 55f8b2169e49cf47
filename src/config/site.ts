/** `homelab:site` (identity and domains) and `homelab:networks` (named address sets). */
import { z } from "zod";
import { cidr, dnsName, doc, name, strict, text } from "./primitives";

/** What an OpenSSH public key line starts with (ssh-keygen's types, FIDO keys included). */
const SSH_PUBLIC_KEY =
  /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) AAAA[A-Za-z0-9+/]+={0,3}( [^\n]*)?$/;

/**
 * One OpenSSH public key line ("ssh-ed25519 AAAA... me@laptop"). A private key pasted here by
 * mistake gets its own message, which never quotes it.
 */
export const sshPublicKey = z.string().regex(SSH_PUBLIC_KEY, {
  error: (issue) =>
    typeof issue.input === "string" && issue.input.includes("PRIVATE KEY")
      ? "this is a private key: put only the public key here (the .pub file, or ssh-keygen -y -f <key>), and remove the private key from this file and its history"
      : "must be an OpenSSH public key line: <type> <base64> [comment], e.g. the content of ~/.ssh/id_ed25519.pub",
});

export const siteSchema = doc(
  strict({
    name: doc(name, "Short id of the site, used in resource names and diagrams.", ["home"]),
    description: doc(text(), "One line about the site.").optional(),
    domains: doc(
      strict({
        public: doc(
          dnsName,
          "Public DNS domain of the site's services (a Cloudflare zone or a subdomain of one).",
          ["example.net"],
        ).optional(),
        internal: doc(
          dnsName.default("home.arpa"),
          "Internal domain for LAN-only names (RFC 8375 recommends home.arpa).",
          ["home.arpa"],
        ),
      }),
      "Domains the site's services are named under.",
    ).default({ internal: "home.arpa" }),
    timezone: doc(
      z.string().regex(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/, {
        error: "must be an IANA time zone: Area/City, e.g. Europe/Paris",
      }),
      "IANA time zone, passed to containers and backup schedules.",
      ["Europe/Paris"],
    ).default("Etc/UTC"),
    contactEmail: doc(
      z.email({ error: "must be an e-mail address" }),
      "Contact for ACME (Let's Encrypt) accounts and alerts.",
    ).optional(),
    sshKeys: doc(
      z.array(sshPublicKey),
      "SSH public keys of the site's administrators: every Proxmox guest's login user authorizes them, and the program reaches Docker host guests with the matching private key from your ssh-agent.",
      [["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI... alexis@laptop"]],
    ).default([]),
  }),
  "Identity of this site.",
);

export const networkKinds = ["external", "lan", "vpn", "other"] as const;

export const namedNetworkSchema = doc(
  strict({
    cidr: doc(
      z.union([cidr, z.array(cidr).min(1, { error: "must list at least one prefix" })], {
        error: "must be a prefix (10.0.0.0/24) or a list of prefixes",
      }),
      "Prefix or prefixes of this network.",
      ["198.51.100.23/32"],
    ),
    kind: doc(
      z.enum(networkKinds),
      "external: addresses outside the site (an office's public IP); lan/vpn/other: networks of the site that no managed device declares.",
    ).default("external"),
    description: doc(text(), "Free text about the network.").optional(),
  }),
  "A named set of addresses that rules and access lists refer to by name.",
);

/**
 * Named networks that no managed device declares (an office's public address, a VPN pool
 * run elsewhere). Networks declared by devices (FortiGate interfaces, UniFi VLANs, SDN vnets,
 * VPN pools) are named automatically; names are unique across the site.
 */
export const networksSchema = doc(
  z.record(name, namedNetworkSchema),
  "Named networks that rules refer to by name (networks declared by devices are named automatically).",
);

export type SiteInfo = z.infer<typeof siteSchema>;
export type NamedNetwork = z.infer<typeof namedNetworkSchema>;
