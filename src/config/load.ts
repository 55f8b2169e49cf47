/**
 * Loading a site: from a stack file (offline tools) or from the Pulumi runtime (the real
 * program), through the same validation. The result is a typed SiteConfig, the federation
 * registry it belongs to, and the secrets it needs; or a ConfigError listing every problem.
 */
import { isAbsolute, join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, formatPath, type PathSegment, type Problem } from "./errors";
import { readDeviceCertificates, type DeviceCertificates } from "./files";
import type { Member, Registry } from "./federation";
import { checkSiteInsideMember, parseRegistry } from "./registry";
import {
  FIXED_SECRETS,
  requiredSecrets,
  secretProblems,
  type SecretRequirement,
  type SecretStatus,
} from "./secrets";
import {
  NAMESPACE,
  SECTION_NAMES,
  configKey,
  parseSections,
  siteConfigOf,
  unknownKeyProblem,
  type SiteConfig,
} from "./stack";
import { validateSite } from "./validate";
import { Problems, unknownReference } from "./problems";
import { readYaml, withPositions, type YamlFile } from "./yaml";
import { suggestion } from "./primitives";
import { derivePeerings, peersOf, type Peering } from "../model/federation";
import { planAddresses } from "../model/address-plan";
import { siteNetworks } from "./networks";

/** Where a stack's configuration comes from. */
export interface ConfigSource {
  readonly stack: string;
  /** Label for messages: the stack file relative to the project ("Pulumi.home.yaml"). */
  readonly file: string;
  /** The parsed stack file, for line numbers (optional). */
  readonly yaml?: YamlFile;
  /** Section values by key without the namespace ("proxmox"). */
  readonly values: Readonly<Record<string, unknown>>;
  /** Every `homelab:*` key that is set, without the namespace. */
  readonly keys: readonly string[];
  readonly secrets: SecretStatus;
  /** Problems found while reading the source itself. */
  readonly problems: readonly Problem[];
  /** The source could not be read at all (syntax error): nothing else is checked. */
  readonly unreadable?: boolean;
  /** Paths already reported by the source (schema problems there would repeat them). */
  readonly reported?: readonly (readonly PathSegment[])[];
}

export interface LoadedSite {
  readonly stack: string;
  readonly file: string;
  readonly root: string;
  readonly config: SiteConfig;
  readonly registry?: Registry;
  readonly registryFile?: string;
  /** Federation peers of this site (member ids), sorted. */
  readonly peers: readonly string[];
  /**
   * This site's registry entry and its peerings (sorted by peer id, one per id of `peers`);
   * set when the site is a member of a valid registry.
   */
  readonly federation?: { readonly member: Member; readonly peerings: readonly Peering[] };
  /** Secrets this site needs. */
  readonly secrets: readonly SecretRequirement[];
  /** PEM text of the CA files the edge devices are trusted with (read once, here). */
  readonly certificates: DeviceCertificates;
  /** Needed secrets that are not set (only non-empty when loaded with requireSecrets: false). */
  readonly missingSecrets: readonly SecretRequirement[];
}

export interface LoadOptions {
  /** Project root (where Pulumi.yaml and stacks/ are). */
  readonly root: string;
  /** A real run needs every secret; offline tools substitute placeholders. */
  readonly requireSecrets: boolean;
}

function isSecureValue(value: unknown): value is { secure: string } {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { secure?: unknown }).secure === "string"
  );
}

/** Paths of `{ secure: ... }` values nested in a section value. */
function nestedSecrets(value: unknown, path: PathSegment[]): PathSegment[][] {
  if (isSecureValue(value)) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => nestedSecrets(v, [...path, i]));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => nestedSecrets(v, [...path, k]));
  }
  return [];
}

const STACK_FILE_KEYS = [
  "config",
  "secretsprovider",
  "encryptedkey",
  "encryptionsalt",
  "environment",
];

/** Reads `Pulumi.<stack>.yaml` (or any file in that format). */
export function stackFileSource(path: string, stack: string, label: string): ConfigSource {
  const yaml = readYaml(path, label);
  const problems: Problem[] = [...yaml.problems];
  const values: Record<string, unknown> = {};
  const keys: string[] = [];
  const set = new Set<string>();
  const plaintext = new Set<string>();
  const reported: PathSegment[][] = [];
  const document = yaml.value;
  if (yaml.problems.length === 0) {
    if (document === null || typeof document !== "object" || Array.isArray(document)) {
      problems.push({
        file: label,
        path: [],
        message: "a stack file is a mapping with a config: key",
      });
    } else {
      for (const key of Object.keys(document)) {
        if (!STACK_FILE_KEYS.includes(key)) {
          problems.push({
            file: label,
            path: [key],
            message: `unknown key: ${suggestion(key, STACK_FILE_KEYS)}`,
          });
        }
      }
      const config = (document as Record<string, unknown>).config;
      if (
        config !== undefined &&
        (config === null || typeof config !== "object" || Array.isArray(config))
      ) {
        problems.push({
          file: label,
          path: ["config"],
          message: "config must be a mapping of keys to values",
        });
      } else {
        for (const [fullKey, value] of Object.entries(
          (config as Record<string, unknown> | undefined) ?? {},
        )) {
          const colon = fullKey.indexOf(":");
          const namespace = colon < 0 ? NAMESPACE : fullKey.slice(0, colon);
          if (namespace !== NAMESPACE) continue; // provider or pulumi: keys
          const key = colon < 0 ? fullKey : fullKey.slice(colon + 1);
          keys.push(key);
          set.add(key);
          if (isSecureValue(value)) continue;
          if ((SECTION_NAMES as string[]).includes(key)) {
            for (const nested of nestedSecrets(value, [configKey(key)])) {
              reported.push(nested);
              problems.push({
                file: label,
                path: nested,
                message: `secrets cannot live inside ${configKey(key)}: each secret is its own key (see README, Secrets)`,
              });
            }
            values[key] = value;
          } else if (typeof value === "string") {
            plaintext.add(key);
          } else {
            values[key] = value;
          }
        }
      }
    }
  }
  return {
    stack,
    file: label,
    yaml,
    values,
    keys,
    secrets: { isSet: (name) => set.has(name), isPlaintext: (name) => plaintext.has(name) },
    problems,
    unreadable: yaml.problems.length > 0,
    reported,
  };
}

/**
 * Whether the engine passed `key` as a secret. The SDK's own check is exported but marked
 * internal, so fall back to the variable it reads (the engine sets it for every program).
 */
export function isConfigSecret(key: string): boolean {
  const internal = (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean })
    .isConfigSecret;
  if (typeof internal === "function") return internal(key);
  const keys = process.env["PULUMI_CONFIG_SECRET_KEYS"];
  try {
    return keys ? (JSON.parse(keys) as string[]).includes(key) : false;
  } catch {
    return false;
  }
}

/** Reads the configuration the Pulumi engine passed to this program. */
export function runtimeSource(stack: string, file: string, yaml?: YamlFile): ConfigSource {
  const all = pulumi.runtime.allConfig();
  const values: Record<string, unknown> = {};
  const keys: string[] = [];
  const problems: Problem[] = [];
  const plaintext = new Set<string>();
  for (const [fullKey, raw] of Object.entries(all)) {
    if (!fullKey.startsWith(`${NAMESPACE}:`)) continue;
    const key = fullKey.slice(NAMESPACE.length + 1);
    keys.push(key);
    const secret = isConfigSecret(fullKey);
    if ((SECTION_NAMES as string[]).includes(key)) {
      if (secret) {
        problems.push({
          file,
          path: [fullKey],
          message: `contains an encrypted value, but secrets cannot live inside a section: each secret is its own key (see README, Secrets)`,
        });
      }
      try {
        values[key] = JSON.parse(raw);
      } catch {
        values[key] = raw;
      }
    } else if (!secret) {
      plaintext.add(key);
    }
  }
  return {
    stack,
    file,
    yaml,
    values,
    keys,
    secrets: { isSet: (name) => keys.includes(name), isPlaintext: (name) => plaintext.has(name) },
    problems,
  };
}

/**
 * Validates a source into a LoadedSite. Schema problems of every section are reported
 * together; cross-field rules run once every section is well-formed (so a broken section
 * cannot cause misleading "unknown reference" reports). Throws ConfigError.
 */
export function loadSite(source: ConfigSource, options: LoadOptions): LoadedSite {
  const problems: Problem[] = [...source.problems];
  if (source.unreadable) throw new ConfigError(problems);
  const parsed = parseSections(source.values, source.file);
  const known = (source.reported ?? []).map((p) => formatPath(p));
  problems.push(...parsed.problems.filter((p) => !known.includes(formatPath(p.path))));

  let config: SiteConfig | undefined;
  let registry: Registry | undefined;
  let registryFile: string | undefined;
  let registryYaml: YamlFile | undefined;
  let peers: string[] = [];
  let federation: LoadedSite["federation"];
  let secrets: SecretRequirement[] = [];
  let certificates: DeviceCertificates = {};
  const missing: SecretRequirement[] = [];

  if (parsed.problems.length === 0 && source.problems.length === 0) {
    config = siteConfigOf(parsed.sections);
    const files = readDeviceCertificates(config, options.root, source.file);
    problems.push(...files.problems);
    certificates = files.certificates;
    const crossProblems = validateSite(config, source.file);
    problems.push(...crossProblems);
    if (crossProblems.length === 0) {
      const plan = planAddresses(config.proxmox);
      problems.push(...plan.problems.map((p) => ({ ...p, file: source.file })));
    }
    const membership = config.federation;
    if (membership) {
      registryFile = membership.registry;
      const path = isAbsolute(registryFile) ? registryFile : join(options.root, registryFile);
      registryYaml = readYaml(path, registryFile);
      problems.push(...registryYaml.problems);
      let registryValid = false;
      if (registryYaml.problems.length === 0) {
        const result = parseRegistry(registryYaml.value, registryFile);
        problems.push(...result.problems);
        registry = result.registry;
        registryValid = result.problems.length === 0;
      }
      if (registry) {
        const ids = registry.members.map((m) => m.id);
        const member = registry.members.find((m) => m.id === membership.member);
        if (!member) {
          const out = new Problems(source.file);
          out.add(
            [configKey("federation"), "member"],
            unknownReference("member", membership.member, ids, registryFile),
          );
          problems.push(...out.list);
        } else {
          peers = peersOf(registry, member.id);
          problems.push(
            ...checkSiteInsideMember(siteNetworks(config), member, registryFile, source.file),
          );
          if (registryValid) federation = { member, peerings: derivePeerings(registry, member.id) };
        }
      }
    }
    secrets = requiredSecrets(config, peers);
    problems.push(
      ...secretProblems(secrets, source.secrets, {
        file: source.file,
        stack: source.stack,
        requirePresent: options.requireSecrets,
      }),
    );
    for (const requirement of secrets) {
      if (!source.secrets.isSet(requirement.name)) missing.push(requirement);
    }
    // Keys that are neither a section nor a secret this site uses.
    const known = new Set<string>([...SECTION_NAMES, ...secrets.map((s) => s.name)]);
    const candidates = [
      ...SECTION_NAMES,
      ...Object.keys(FIXED_SECRETS),
      ...secrets.map((s) => s.name),
    ];
    for (const key of source.keys) {
      if (!known.has(key)) {
        const { near: _near, ...problem } = unknownKeyProblem(key, candidates, source.file);
        problems.push({
          ...problem,
          message: `${problem.message} (if it is an old secret, remove it: pulumi config rm ${configKey(key)} --stack ${source.stack})`,
        });
      }
    }
  } else {
    // The secrets this site needs are unknown until its sections parse; still flag keys
    // that are near-misses of section names (and cannot be secret names).
    for (const key of source.keys) {
      if (
        (SECTION_NAMES as string[]).includes(key) ||
        key in FIXED_SECRETS ||
        key.startsWith("psk-")
      ) {
        continue;
      }
      const { near, ...problem } = unknownKeyProblem(key, SECTION_NAMES, source.file);
      if (near) problems.push(problem);
    }
  }

  if (problems.length > 0) {
    const located = withPositions(withPositions(problems, source.yaml, ["config"]), registryYaml);
    throw new ConfigError(located);
  }
  return {
    stack: source.stack,
    file: source.file,
    root: options.root,
    config: config as SiteConfig,
    registry,
    registryFile,
    peers,
    federation,
    secrets,
    certificates,
    missingSecrets: missing,
  };
}
