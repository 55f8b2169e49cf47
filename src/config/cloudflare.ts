/** `homelab:cloudflare`: the public DNS zone and its security settings. */
import { z } from "zod";
import { dnsName, doc, ipv4, strict } from "./primitives";

export const cloudflareSchema = doc(
  strict({
    zone: doc(dnsName, "The Cloudflare zone (registered domain).", ["example.org"]),
    zoneId: doc(
      z.string().regex(/^[0-9a-f]{32}$/, {
        error:
          "must be the zone id: 32 lowercase hex characters (Overview page), e.g. 023e105f4ecef8ad9ca31a8372d0c353",
      }),
      "Zone id (Overview page); looked up by name when omitted.",
    ).optional(),
    proxiedDefault: doc(
      z.boolean(),
      "Proxy public records through Cloudflare unless a service says otherwise.",
    ).default(true),
    sslMode: doc(
      z.enum(["off", "flexible", "full", "strict"]),
      "SSL/TLS encryption mode; strict = Full (Strict).",
    ).default("strict"),
    alwaysUseHttps: doc(z.boolean(), "Redirect every http:// request to https://.").default(true),
    minTlsVersion: doc(
      z.enum(["1.0", "1.1", "1.2", "1.3"]),
      "Oldest TLS version Cloudflare accepts from visitors.",
    ).default("1.2"),
    origin: doc(
      z.union(
        [
          strict({ ipv4: doc(ipv4, "The site's public IPv4 address (A records).") }),
          strict({
            cname: doc(dnsName, "A name that follows the site's address (CNAME records)."),
          }),
        ],
        {
          error: "must be { ipv4: <address> } or { cname: <dns name> }",
        },
      ),
      "Where public names point: the site's WAN address, or a dynamic-DNS name.",
      [{ ipv4: "203.0.113.10" }, { cname: "home.dyndns.example" }],
    ),
  }),
  "Cloudflare DNS for the site's public names.",
);

export type CloudflareConfig = z.infer<typeof cloudflareSchema>;
