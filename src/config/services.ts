/**
 * `homelab:hosts` (machines outside Proxmox), `homelab:services` (what runs on Docker hosts),
 * `homelab:proxy` (the reverse proxy and its security chain) and `homelab:sso`.
 */
import { z } from "zod";
import { doc, hostOrAddress, name, port, positiveInt, secretRef, strict } from "./primitives";

export const hostSchema = strict({
  name: doc(name, "Host name (referenced by services).", ["servo"]),
  address: doc(hostOrAddress, "Address used to reach the host over SSH.", ["10.0.10.10"]),
  network: doc(name, "Site network the host lives on.").optional(),
  description: z.string().optional(),
  docker: doc(
    strict({
      user: doc(z.string().min(1), "SSH user allowed to use the Docker socket.").default("root"),
      port: port.default(22),
      dataRoot: doc(
        z.string().regex(/^\//, { error: "must be an absolute path" }),
        "Directory for bind-mounted configuration files.",
      ).default("/srv/homelab"),
    }),
    "This host runs Docker; services can be placed on it.",
  ).optional(),
  nfs: doc(
    strict({
      exports: z.array(
        strict({
          name: doc(name, "Export id, referenced by volumes."),
          path: z.string().regex(/^\//, { error: "must be an absolute path" }),
        }),
      ),
    }),
    "NFS exports this host offers (a NAS).",
  ).optional(),
});

/** Who may reach an exposed service. */
export const accessSchema = doc(
  z.union([z.literal("open"), z.literal("sso"), z.array(name).min(1)], {
    error: 'must be "open", "sso" or a list of network names allowed to connect',
  }),
  "open: anyone (CrowdSec still filters); sso: behind the site's SSO; [names]: only from these networks.",
  ["open", "sso", ["lan", "vpn", "work"]],
);

export const exposureSchema = strict({
  hostname: doc(
    z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
      error: "must be a single DNS label such as photos (the domain is added)",
    }),
    "Name under the site's domains: <hostname>.<public domain> and <hostname>.<internal domain>.",
    ["photos"],
  ),
  public: doc(
    z.boolean(),
    "Publish under the public domain (DNS record, WAN exposure); otherwise internal name only.",
  ).default(false),
  access: accessSchema.default("open"),
  part: doc(
    z.string(),
    "Which part of a multi-container app to route to (default: its web part).",
  ).optional(),
  port: doc(port, "Container port to route to (default: the app's web port).").optional(),
});

export const volumeSchema = strict({
  name: doc(name, "Volume id within the service.", ["data"]),
  path: doc(
    z.string().regex(/^\//, { error: "must be an absolute container path" }),
    "Mount path in the container.",
  ),
  readOnly: z.boolean().default(false),
  nfs: doc(
    strict({ host: name, export: name, subPath: z.string().optional() }),
    "Back the volume with an NFS export of a site host.",
  ).optional(),
});

const envValue = z.union([z.string(), z.number(), z.boolean(), secretRef], {
  error: "must be a string, number, boolean or { secret: <name> }",
});

export const serviceSchema = strict({
  name: doc(name, "Service id (container and volume names start with it).", ["immich"]),
  app: doc(z.string().regex(/^[a-z][a-z0-9-]*$/), "Catalog application, or custom for any image.", [
    "immich",
    "custom",
  ]),
  host: doc(name, "Docker host (a hosts entry or a Proxmox guest with docker)."),
  placement: doc(
    z.record(z.string(), name),
    "Put parts of the app on other hosts: { part: host }.",
    [{ "machine-learning": "servo" }],
  ).optional(),
  version: doc(z.string().min(1), "Override the catalog image tag.").optional(),
  expose: z.union([exposureSchema, z.array(exposureSchema).min(1)]).optional(),
  env: doc(
    z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), envValue),
    "Extra environment.",
  ).default({}),
  // custom apps
  image: doc(z.string().min(1), "Image with a tag (custom apps).", [
    "ghcr.io/ellite/wallos:2.38",
  ]).optional(),
  ports: z
    .array(
      strict({
        container: port,
        host: port.optional(),
        protocol: z.enum(["tcp", "udp"]).default("tcp"),
      }),
    )
    .default([]),
  volumes: z.array(volumeSchema).default([]),
  command: z.array(z.string()).optional(),
  user: doc(z.string(), "uid:gid to run as.").optional(),
  webPort: doc(port, "Port of the web UI (custom apps; used by the proxy).").optional(),
  memoryMiB: positiveInt.optional(),
  description: z.string().optional(),
});

export const proxySchema = doc(
  strict({
    kind: doc(z.enum(["traefik", "caddy"]), "Reverse proxy implementation."),
    host: doc(name, "Docker host running the proxy."),
    crowdsec: doc(
      strict({
        host: doc(name, "Docker host running the CrowdSec engine (LAPI)."),
        enrollKey: doc(secretRef, "Console enrollment key (optional).").optional(),
      }),
      "CrowdSec engine; its bouncer sits in the proxy for every route.",
    ).optional(),
    publish: doc(
      strict({
        sources: doc(
          z.union([z.literal("any"), z.literal("cloudflare"), z.array(name).min(1)]),
          "Who may reach the proxy from the WAN: any, cloudflare (its ranges only) or named networks.",
        ).default("any"),
        ports: z.array(port).min(1).default([80, 443]),
      }),
      "Expose the proxy on the WAN (edge port forward or VIP).",
    ).optional(),
    middlewares: doc(
      strict({
        realIp: doc(z.boolean(), "Trust X-Forwarded-For from Cloudflare's ranges.").default(false),
        rateLimit: strict({ average: positiveInt, burst: positiveInt }).optional(),
        securityHeaders: z.boolean().default(true),
        geoBlock: strict({
          allowCountries: z
            .array(
              z
                .string()
                .regex(/^[A-Z]{2}$/, { error: "must be an ISO 3166 country code such as FR" }),
            )
            .min(1),
        }).optional(),
      }),
      "Security chain applied to every route.",
    ).default({ realIp: false, securityHeaders: true }),
    tls: doc(
      strict({
        acme: doc(
          z.enum(["none", "http", "cloudflare-dns"]),
          "How public certificates are obtained.",
        ).default("http"),
        internal: doc(z.enum(["self-signed", "acme"]), "Certificates for internal names.").default(
          "self-signed",
        ),
      }),
      "Certificates.",
    ).default({ acme: "http", internal: "self-signed" }),
  }),
  "The reverse proxy in front of every exposed service.",
);

export const ssoSchema = doc(
  strict({
    provider: doc(z.enum(["authelia"]), "SSO provider (forwardAuth and OIDC)."),
    host: doc(name, "Docker host running the provider."),
    hostname: doc(z.string().regex(/^[a-z0-9-]+$/), "Login portal name.").default("auth"),
    ldap: doc(
      strict({
        provider: z.enum(["lldap"]),
        host: name,
        baseDn: doc(z.string().regex(/^(dc=[a-z0-9-]+,)*dc=[a-z0-9-]+$/), "LDAP base DN.", [
          "dc=example,dc=org",
        ]),
      }),
      "User directory.",
    ).optional(),
    oidcClients: doc(z.array(name), "Services that log in with OIDC.").default([]),
  }),
  "Single sign-on for services with access: sso.",
);

export type HostConfig = z.infer<typeof hostSchema>;
export type ServiceConfig = z.infer<typeof serviceSchema>;
export type Exposure = z.infer<typeof exposureSchema>;
export type ProxyConfig = z.infer<typeof proxySchema>;
export type SsoConfig = z.infer<typeof ssoSchema>;
