/**
 * The stack file's `homelab:*` keys: one zod schema per key, the typed `SiteConfig` they
 * make together, and parsing of a raw key → value map (from a stack file or from the
 * Pulumi runtime) into that config plus problems.
 */
import { cloudflareSchema, type CloudflareConfig } from "./cloudflare";
import { type Problem, zodProblems } from "./errors";
import { membershipSchema, type Membership } from "./federation";
import { fortigateSchema, type FortigateConfig } from "./fortigate";
import { DEFAULT_GUARDRAILS, guardrailsSchema, type GuardrailsConfig } from "./guardrails";
import { closest } from "./primitives";
import { proxmoxSchema, type ProxmoxConfig } from "./proxmox";
import {
  hostsSchema,
  proxySchema,
  servicesSchema,
  ssoSchema,
  type HostConfig,
  type ProxyConfig,
  type ServiceConfig,
  type SsoConfig,
} from "./services";
import { networksSchema, siteSchema, type NamedNetwork, type SiteInfo } from "./site";
import { unifiSchema, type UnifiConfig } from "./unifi";

/** The config namespace of this project (the project name). */
export const NAMESPACE = "homelab";

/** Every section key (without the namespace) and its schema. Only `site` is required. */
export const sectionSchemas = {
  site: siteSchema,
  networks: networksSchema,
  federation: membershipSchema,
  proxmox: proxmoxSchema,
  fortigate: fortigateSchema,
  unifi: unifiSchema,
  hosts: hostsSchema,
  services: servicesSchema,
  proxy: proxySchema,
  sso: ssoSchema,
  cloudflare: cloudflareSchema,
  guardrails: guardrailsSchema,
} as const;

export type SectionName = keyof typeof sectionSchemas;
export const SECTION_NAMES = Object.keys(sectionSchemas) as SectionName[];
export const REQUIRED_SECTIONS: readonly SectionName[] = ["site"];

/** The validated, typed description of one site: everything below reads this. */
export interface SiteConfig {
  readonly site: SiteInfo;
  readonly networks: Readonly<Record<string, NamedNetwork>>;
  readonly federation?: Membership;
  readonly proxmox?: ProxmoxConfig;
  readonly fortigate?: FortigateConfig;
  readonly unifi?: UnifiConfig;
  readonly hosts: readonly HostConfig[];
  readonly services: readonly ServiceConfig[];
  readonly proxy?: ProxyConfig;
  readonly sso?: SsoConfig;
  readonly cloudflare?: CloudflareConfig;
  /** Absent in hand-built configs; `siteConfigOf` fills the defaults. */
  readonly guardrails?: GuardrailsConfig;
}

export function configKey(section: string): string {
  return `${NAMESPACE}:${section}`;
}

/** Sections that parsed, plus the problems of those that did not. */
export interface ParsedSections {
  readonly sections: Partial<Record<SectionName, unknown>>;
  readonly problems: Problem[];
}

/**
 * Parses each `homelab:<section>` value on its own, so one broken section does not hide the
 * problems of the others. `values` holds section keys without the namespace.
 */
export function parseSections(
  values: Readonly<Record<string, unknown>>,
  file: string,
): ParsedSections {
  const sections: Partial<Record<SectionName, unknown>> = {};
  const problems: Problem[] = [];
  for (const section of SECTION_NAMES) {
    const value = values[section];
    if (value === undefined) {
      if (REQUIRED_SECTIONS.includes(section)) {
        problems.push({
          file,
          path: [configKey(section)],
          message: `required key is missing: every stack declares ${configKey(section)} (at least its name)`,
        });
      }
      continue;
    }
    // jitless: zod compiles a parser per object schema on its first parse (new Function), which
    // a process that parses one configuration once pays in full: ~25 ms of `npm run check`.
    const result = sectionSchemas[section].safeParse(value, { reportInput: true, jitless: true });
    if (result.success) sections[section] = result.data;
    else
      problems.push(
        ...zodProblems(result.error, file, [configKey(section)], sectionSchemas[section]),
      );
  }
  return { sections, problems };
}

/** Assembles a SiteConfig from parsed sections (defaults for absent lists). */
export function siteConfigOf(sections: Partial<Record<SectionName, unknown>>): SiteConfig {
  return {
    site: sections.site as SiteInfo,
    networks: (sections.networks as Record<string, NamedNetwork> | undefined) ?? {},
    federation: sections.federation as Membership | undefined,
    proxmox: sections.proxmox as ProxmoxConfig | undefined,
    fortigate: sections.fortigate as FortigateConfig | undefined,
    unifi: sections.unifi as UnifiConfig | undefined,
    hosts: (sections.hosts as HostConfig[] | undefined) ?? [],
    services: (sections.services as ServiceConfig[] | undefined) ?? [],
    proxy: sections.proxy as ProxyConfig | undefined,
    sso: sections.sso as SsoConfig | undefined,
    cloudflare: sections.cloudflare as CloudflareConfig | undefined,
    guardrails: (sections.guardrails as GuardrailsConfig | undefined) ?? DEFAULT_GUARDRAILS,
  };
}

/**
 * Problem for a `homelab:<key>` that is neither a section nor a secret of this site.
 * Suggestions compare bare names (the shared namespace would make every key look close).
 */
export function unknownKeyProblem(
  key: string,
  candidates: readonly string[],
  file: string,
): Problem & { near: boolean } {
  const near = closest(key, candidates);
  return {
    file,
    path: [configKey(key)],
    message:
      near !== undefined
        ? `unknown key: did you mean "${configKey(near)}"?`
        : `unknown key: expected one of: ${candidates.map((c) => `"${configKey(c)}"`).join(", ")}`,
    near: near !== undefined,
  };
}
