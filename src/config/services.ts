/**
 * `homelab:hosts` (machines outside Proxmox), `homelab:services` (what runs on Docker hosts),
 * `homelab:proxy` (the reverse proxy and its security chain) and `homelab:sso`.
 */
import { z } from "zod";
import type { PathSegment } from "./errors";
import { doc, hostOrAddress, name, port, positiveInt, secretRef, strict, text } from "./primitives";
import { uniqueBy } from "./problems";
import { renamedFromSchema } from "./renames";
import { connectRefinement, ON_VALID, proxyRefinement, serviceRefinement } from "./services.rules";

export { PROXY_STACK, RESERVED_SERVICE_NAMES, SSO_STACK } from "./services.rules";

export const hostSchema = strict({
  name: doc(name, "Host name (referenced by services).", ["servo"]),
  renamedFrom: renamedFromSchema,
  address: doc(hostOrAddress, "Address used to reach the host over SSH.", ["10.0.10.10"]),
  network: doc(name, "Site network the host lives on.").optional(),
  description: doc(text(), "Free text about the host.").optional(),
  docker: doc(
    strict({
      user: doc(z.string().min(1), "SSH user allowed to use the Docker socket.").default("root"),
      port: doc(port, "SSH port.").default(22),
      dataRoot: doc(
        z
          .string()
          .regex(/^\//, { error: "must be an absolute path, starting with /, e.g. /srv/homelab" }),
        "Directory for bind-mounted configuration files.",
      ).default("/srv/homelab"),
    }),
    "This host runs Docker; services can be placed on it.",
  ).optional(),
  nfs: doc(
    strict({
      exports: doc(
        z.array(
          strict({
            name: doc(name, "Export id, referenced by volumes."),
            path: doc(
              z.string().regex(/^\//, {
                error: "must be an absolute path, starting with /, e.g. /mnt/tank/photos",
              }),
              "Exported path on the host.",
              ["/mnt/tank/photos"],
            ),
          }),
        ),
        "The exports, by id.",
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
      error:
        "must be a single DNS label: lowercase letters, digits and hyphens (the domain is added), e.g. photos",
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
  hostPort: doc(
    port,
    "Port published on the service's Docker host when the proxy runs on another host (default: the container port); must be free on that host.",
    [8081],
  ).optional(),
  proxied: doc(
    z.boolean(),
    "Proxy this public record through Cloudflare (default: homelab:cloudflare.proxiedDefault).",
  ).optional(),
});

/** One exposure of a service, with where it is declared (for problems). */
export type Exposure = z.output<typeof exposureSchema> & {
  /** Path of the exposure inside its service: `["expose"]` (one mapping) or `["expose", i]`. */
  readonly at: readonly PathSegment[];
};

/**
 * `expose` accepts one mapping or a list of them; its normal form, the only one code reads,
 * is a list (empty when absent) whose entries know their own path.
 */
const exposeSchema = doc(
  z.union([exposureSchema, z.array(exposureSchema).min(1)]),
  "Publish the service through the reverse proxy: one exposure or a list.",
)
  .optional()
  .transform((value): Exposure[] => {
    if (value === undefined) return [];
    if (Array.isArray(value)) return value.map((e, i) => ({ ...e, at: ["expose", i] }));
    return [{ ...value, at: ["expose"] }];
  });

export const volumeSchema = strict({
  name: doc(name, "Volume id within the service.", ["data"]),
  path: doc(
    z.string().regex(/^\//, {
      error: "must be an absolute container path, starting with /, e.g. /data",
    }),
    "Mount path in the container.",
  ),
  readOnly: doc(z.boolean(), "Mount read-only.").default(false),
  nfs: doc(
    strict({
      host: doc(name, "Site host (homelab:hosts) that exports it."),
      export: doc(name, "Export id on that host."),
      subPath: doc(z.string(), "Directory inside the export (default: its root).").optional(),
    }),
    "Back the volume with an NFS export of a site host.",
  ).optional(),
  hostPath: doc(
    z.string().regex(/^\//, {
      error:
        "must be an absolute path on the Docker host, starting with /, e.g. /var/run/docker.sock",
    }),
    "Bind-mount this path of the Docker host instead of a volume (the Docker socket, /proc, a log directory).",
    ["/var/run/docker.sock"],
  ).optional(),
});

/** An absolute path on one line: device nodes and tmpfs mount points (custom apps). */
function absolutePath(where: string, example: string) {
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  return z.string().regex(/^\/[^\u0000-\u001f\u007f]*$/, {
    error: `must be an absolute ${where} without control characters, starting with /, e.g. ${example}`,
  });
}

/**
 * A host device passed to a custom container (the Docker provider's `devices`; changing one
 * re-creates the container: kreuzwerker/terraform-provider-docker
 * internal/provider/resource_docker_container.go, `devices` and its fields are ForceNew).
 */
export const deviceSchema = strict({
  hostPath: doc(absolutePath("path on the Docker host", "/dev/dri"), "Device on the Docker host.", [
    "/dev/ttyACM0",
  ]),
  containerPath: doc(
    absolutePath("container path", "/dev/zigbee"),
    "Path in the container (default: the host path).",
  ).optional(),
  permissions: doc(
    z.string().regex(/^(?=[rwm])r?w?m?$/, {
      error: "must be cgroup permissions: r, w and/or m in that order, e.g. rwm",
    }),
    "cgroup permissions: r (read), w (write), m (mknod).",
  ).default("rwm"),
});

/** Generated once by @pulumi/random and kept as a secret in the stack state. */
export const generatedRef = doc(
  strict({
    generated: doc(
      name,
      "Id of the generated value; every reference to the same id gets the same value.",
    ),
  }),
  "A random password generated by the program (shared by every reference with the same id).",
  [{ generated: "defectdojo-db" }],
);

const envValue = z.union([z.string(), z.number(), z.boolean(), secretRef, generatedRef], {
  error: "must be a string, number, boolean, { secret: <name> } or { generated: <id> }",
});

/** A Docker duration: "30s", "500ms", "5m", "1h". */
const duration = z.string().regex(/^\d+(ms|s|m|h)$/, {
  error: "must be a duration: a whole number and a unit (ms, s, m or h), e.g. 30s",
});

const healthcheckSchema = doc(
  strict({
    test: doc(
      z.array(z.string()).min(1),
      'Docker HEALTHCHECK test: ["CMD", ...] or ["CMD-SHELL", "..."].',
    ),
    interval: doc(duration, "Time between checks.", ["30s"]).optional(),
    timeout: doc(duration, "Time a check may take.", ["5s"]).optional(),
    retries: doc(positiveInt, "Failed checks in a row before unhealthy.").optional(),
    startPeriod: doc(duration, "Grace time after start during which failures do not count.", [
      "60s",
    ]).optional(),
  }),
  "How Docker checks the container is healthy.",
);

export const serviceSchema = strict({
  name: doc(name, "Service id (container and volume names start with it).", ["immich"]),
  renamedFrom: renamedFromSchema,
  app: doc(
    z.string().regex(/^[a-z][a-z0-9-]*$/, {
      error:
        "must be a catalog application name (lowercase letters, digits and hyphens) or custom, e.g. immich",
    }),
    "Catalog application, or custom for any image.",
    ["immich", "custom"],
  ),
  host: doc(name, "Docker host (a hosts entry or a Proxmox guest with docker)."),
  placement: doc(
    z.record(z.string(), name),
    "Put parts of the app on other hosts: { part: host }.",
    [{ "machine-learning": "servo" }],
  ).optional(),
  version: doc(z.string().min(1), "Override the catalog image tag.").optional(),
  expose: exposeSchema,
  env: doc(
    z.record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
        error:
          "must be an environment variable name: letters, digits and _, not starting with a digit, e.g. TZ",
      }),
      envValue,
    ),
    "Extra environment.",
  ).default({}),
  // custom apps
  image: doc(z.string().min(1), "Image with a tag (custom apps).", [
    "ghcr.io/ellite/wallos:2.38",
  ]).optional(),
  ports: doc(
    z.array(
      strict({
        container: doc(port, "Port inside the container."),
        host: doc(port, "Port on the Docker host (default: the container port).").optional(),
        protocol: doc(z.enum(["tcp", "udp"]), "Protocol.").default("tcp"),
      }),
    ),
    "Ports published on the Docker host.",
  ).default([]),
  volumes: doc(z.array(volumeSchema), "Persistent volumes (custom apps).").default([]),
  command: doc(z.array(z.string()), "Command (custom apps).").optional(),
  entrypoint: doc(z.array(z.string()), "Entrypoint override (custom apps).").optional(),
  user: doc(z.string(), "uid:gid to run as (custom apps).").optional(),
  webPort: doc(port, "Port of the web UI (custom apps; used by the proxy).").optional(),
  healthcheck: healthcheckSchema.optional(),
  restart: doc(
    z.enum(["unless-stopped", "always", "on-failure", "no"]),
    "Restart policy (custom apps; no for one-shot jobs).",
  ).optional(),
  capAdd: doc(
    z.array(
      z.string().regex(/^[A-Z_]+$/, {
        error: "must be a Linux capability in upper case, without CAP_, e.g. NET_ADMIN",
      }),
    ),
    "Linux capabilities to add (custom apps).",
  ).optional(),
  privileged: doc(
    z.boolean(),
    "Run privileged (custom apps; devices and capAdd grant less).",
  ).optional(),
  devices: doc(
    z
      .array(deviceSchema)
      .superRefine(uniqueBy((d) => d.containerPath ?? d.hostPath, "device path")),
    "Host devices passed to the container (custom apps): a GPU, a Zigbee or Z-Wave stick.",
    [[{ hostPath: "/dev/dri" }, { hostPath: "/dev/ttyACM0", containerPath: "/dev/zigbee" }]],
  ).optional(),
  shmSizeMiB: doc(
    positiveInt,
    "Size of /dev/shm in MiB (custom apps; Docker's default: 64).",
    [256],
  ).optional(),
  tmpfs: doc(
    z.array(absolutePath("container path", "/tmp")).superRefine(uniqueBy((p) => p, "tmpfs path")),
    "In-memory mounts (custom apps; rw,noexec,nosuid), e.g. with readOnlyRootFs.",
    [["/tmp", "/run"]],
  ).optional(),
  hostNetwork: doc(z.boolean(), "Use the host's network namespace (custom apps).").optional(),
  hostPid: doc(z.boolean(), "Use the host's PID namespace (custom apps).").optional(),
  readOnlyRootFs: doc(z.boolean(), "Read-only root filesystem (custom apps).").optional(),
  connect: doc(
    z.array(name),
    "Other services on the same host this one reaches by container name (joins their networks).",
    [["defectdojo-db"]],
  ).default([]),
  memoryMiB: doc(positiveInt, "Memory limit in MiB (custom apps).").optional(),
  description: doc(text(), "Free text about the service.").optional(),
}).superRefine(serviceRefinement, ON_VALID);

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
        ports: doc(z.array(port).min(1), "WAN ports forwarded to the proxy.").default([80, 443]),
      }),
      "Expose the proxy on the WAN (edge port forward or VIP).",
    ).optional(),
    middlewares: doc(
      strict({
        realIp: doc(z.boolean(), "Trust X-Forwarded-For from Cloudflare's ranges.").default(false),
        rateLimit: doc(
          strict({
            average: doc(positiveInt, "Requests per second allowed on average."),
            burst: doc(positiveInt, "Requests allowed at once above the average."),
          }),
          "Limit requests per client address (Traefik only).",
        ).optional(),
        securityHeaders: doc(
          z.boolean(),
          "Add HSTS, nosniff, frame and referrer headers to every response.",
        ).default(true),
        geoBlock: doc(
          strict({
            allowCountries: doc(
              z
                .array(
                  z.string().regex(/^[A-Z]{2}$/, {
                    error: "must be an ISO 3166 country code: two capital letters, e.g. FR",
                  }),
                )
                .min(1),
              "Countries allowed (ISO 3166 codes); every other is refused.",
              [["FR", "BE"]],
            ),
          }),
          "Refuse clients outside the listed countries (Traefik only).",
        ).optional(),
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
).superRefine(proxyRefinement, ON_VALID);

export const ssoSchema = doc(
  strict({
    provider: doc(z.enum(["authelia"]), "SSO provider (forwardAuth and OIDC)."),
    host: doc(name, "Docker host running the provider."),
    hostname: doc(
      z.string().regex(/^[a-z0-9-]+$/, {
        error: "must be a single DNS label: lowercase letters, digits and hyphens, e.g. auth",
      }),
      "Login portal name.",
    ).default("auth"),
    ldap: doc(
      strict({
        provider: doc(z.enum(["lldap"]), "Directory implementation."),
        host: doc(name, "Docker host running the directory."),
        baseDn: doc(
          z.string().regex(/^(dc=[a-z0-9-]+,)*dc=[a-z0-9-]+$/, {
            error: "must be an LDAP base DN of dc= parts joined by commas, e.g. dc=example,dc=org",
          }),
          "LDAP base DN.",
          ["dc=example,dc=org"],
        ),
      }),
      "User directory.",
    ).optional(),
    oidcClients: doc(z.array(name), "Services that log in with OIDC.").default([]),
  }),
  "Single sign-on for services with access: sso.",
);

/** `homelab:hosts`: host names are unique. */
export const hostsSchema = z
  .array(hostSchema)
  .superRefine(
    uniqueBy((h) => h.name, "host name", ["name"]),
    ON_VALID,
  )
  .meta({ description: "Machines outside Proxmox (Docker hosts, a NAS)." });

/** `homelab:services`: service names are unique, `connect` reaches services on the same host. */
export const servicesSchema = z
  .array(serviceSchema)
  .superRefine(
    uniqueBy((s) => s.name, "service name", ["name"]),
    ON_VALID,
  )
  .superRefine(connectRefinement, ON_VALID)
  .meta({ description: "Applications run on Docker hosts." });

export type HostConfig = z.infer<typeof hostSchema>;
export type ServiceConfig = z.infer<typeof serviceSchema>;
export type ProxyConfig = z.infer<typeof proxySchema>;
export type SsoConfig = z.infer<typeof ssoSchema>;
