/** What the services model produces: stacks of containers per Docker host, routes, records. */
import type { ProxyRoute, ProxySettings } from "../../catalog/proxy";
import type {
  BindMount,
  DeviceMapping,
  FileSpec,
  GeneratedSecretSpec,
  HealthcheckSpec,
  PartSpec,
  RestartPolicy,
  Value,
} from "../../catalog/types";
import type { PathSegment, Problem } from "../../config/errors";
import type { SiteNetwork } from "../../config/networks";
import type { SiteConfig } from "../../config/stack";
import type { DockerHost } from "../hosts";

export interface VolumePlan {
  /** Volume id within the stack ("data"). */
  readonly id: string;
  /**
   * Docker volume name: `<stack>-<id>`, after the stack's first name when it was renamed:
   * Docker cannot rename a volume (the provider would create a new, empty one).
   */
  readonly name: string;
  /** Its `homelab.stack` label: the stack's first name too (labels are fixed at creation). */
  readonly stack: string;
  readonly host: string;
  /** NFS backing (Docker's local driver mounts the export). */
  readonly nfs?: { readonly address: string; readonly device: string };
}

export interface NetworkPlan {
  /** Docker network name. */
  readonly name: string;
  readonly host: string;
}

export interface PublishedPort {
  readonly internal: number;
  readonly external: number;
  readonly protocol: "tcp" | "udp";
}

export interface ContainerPlan {
  /** Docker container name: `<stack>-<part>`. */
  readonly name: string;
  readonly part: string;
  readonly host: string;
  readonly role: PartSpec["role"];
  readonly image: string;
  readonly build?: PartSpec["build"];
  readonly command?: readonly string[];
  readonly entrypoint?: readonly string[];
  readonly env: Readonly<Record<string, Value>>;
  readonly ports: readonly PublishedPort[];
  /** Named volumes: Docker volume name and mount path. */
  readonly volumes: readonly { volume: string; path: string; readOnly: boolean }[];
  readonly binds: readonly BindMount[];
  readonly tmpfs: readonly string[];
  readonly files: readonly FileSpec[];
  readonly healthcheck?: HealthcheckSpec;
  readonly restart: RestartPolicy;
  readonly user?: string;
  readonly readOnlyRootFs: boolean;
  readonly capDrop: readonly string[];
  readonly capAdd: readonly string[];
  readonly privileged: boolean;
  /** Host devices, every field explicit. */
  readonly devices: readonly Required<DeviceMapping>[];
  readonly noNewPrivileges: boolean;
  readonly hostNetwork: boolean;
  readonly hostPid: boolean;
  readonly shmSizeMiB?: number;
  readonly memoryMiB?: number;
  readonly labels: Readonly<Record<string, string>>;
  /** Networks joined (not with hostNetwork), with the aliases the container has there. */
  readonly networks: readonly { name: string; aliases: readonly string[] }[];
  /** Containers (names) of the same stack created before this one. */
  readonly dependsOn: readonly string[];
  /** Runs once to completion (a migration, a setup step). */
  readonly job: boolean;
}

export interface StackPlan {
  /** Service name (or `proxy`/`sso`). */
  readonly name: string;
  /** Catalog app, or `custom`. */
  readonly app: string;
  /** Added by the program for homelab:proxy / homelab:sso. */
  readonly system: boolean;
  /** Hosts the stack has containers on. */
  readonly hosts: readonly string[];
  readonly networks: readonly NetworkPlan[];
  readonly volumes: readonly VolumePlan[];
  readonly containers: readonly ContainerPlan[];
  /** Other services' networks this stack joins (`connect`). */
  readonly connects: readonly string[];
  /** Former names of the service (`renamedFrom`), oldest first: its resources keep them. */
  readonly formerNames: readonly string[];
}

export interface DnsRecordPlan {
  /** Fully qualified name. */
  readonly name: string;
  readonly type: "A" | "CNAME";
  readonly content: string;
  readonly proxied: boolean;
  /** Service the record exposes (or `sso` for the login portal). */
  readonly service: string;
  readonly comment: string;
}

/** An internal name of the site: `<hostname>.<internal domain>` → the proxy host's address. */
export interface InternalRecord {
  readonly name: string;
  readonly address: string;
}

export interface PortUse {
  readonly host: string;
  readonly port: number;
  readonly protocol: "tcp" | "udp";
  readonly service: string;
  /** Config path that asks for the port (for problems). */
  readonly source: readonly PathSegment[];
  readonly why: string;
}

/** A password the program generates, with the ids it had under its service's former names. */
export interface GeneratedPlan extends GeneratedSecretSpec {
  /** Ids under the service's former names (`renamedFrom`), oldest first. */
  readonly formerIds: readonly string[];
}

export interface ServicesModel {
  /** Docker hosts that run at least one container. */
  readonly hosts: readonly DockerHost[];
  /** Passwords the program generates (`@pulumi/random`), sorted by id. */
  readonly generated: readonly GeneratedPlan[];
  readonly stacks: readonly StackPlan[];
  readonly routes: readonly ProxyRoute[];
  /** Public DNS records (Cloudflare): public exposures only. */
  readonly publicRecords: readonly DnsRecordPlan[];
  /** `<hostname>.<internal domain>` → the proxy host's address. */
  readonly internalRecords: readonly InternalRecord[];
  /**
   * The SSO portal's address clients are sent to (the OIDC issuer): its public URL when a
   * public service uses SSO (forward auth or OIDC), else its internal one.
   */
  readonly ssoPortal?: string;
  /** The proxy, when the site has one. */
  readonly proxy?: {
    readonly kind: "traefik" | "caddy";
    readonly host: string;
    readonly settings: ProxySettings;
  };
  /** Host ports published, in the order the model decides them (see `PortLedger`). */
  readonly ports: readonly PortUse[];
  /** What the derivation refuses: ports published twice on one host. */
  readonly problems: readonly Problem[];
}

export interface ServicesInput {
  readonly config: SiteConfig;
  readonly hosts: readonly DockerHost[];
  readonly networks: readonly SiteNetwork[];
  /** Prefixes of the federation peers (for the built-in network `federation`). */
  readonly federationPrefixes?: readonly string[];
  /**
   * The stack file's label, for the problems.
   * @default ""
   */
  readonly file?: string;
}
