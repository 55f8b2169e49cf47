/**
 * Loading a site: from a stack file (offline tools) or from the Pulumi runtime (the real
 * program: runtime-source.ts), through the same validation. The result is a typed
 * SiteConfig, the federation registry it belongs to, and the secrets it needs; or a
 * ConfigError listing every problem.
 */
import { ConfigError, formatPath, type PathSegment, type Problem } from "./errors";
import { readDeviceCertificates, type DeviceCertificates } from "./files";
import type { Member, Registry } from "./federation";
import { checkSiteInsideMember, readRegistry } from "./registry";
import {
  FIXED_SECRETS,
  plainSecretProblems,
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
  type SectionName,
  type SiteConfig,
} from "./stack";
import { NAMESPACE_SECTIONS, referenceProblems } from "./references";
import { Problems, unknownReference } from "./problems";
import { readYaml, withPositions, type YamlFile } from "./yaml";
import { isSecureValue, redactProblems, sensitiveStrings } from "./sensitive";
import { suggestion } from "./primitives";
import { peersOf } from "./peerings";
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
  /**
   * Decrypted values the source holds but keeps out of `values` (the engine passes secrets
   * in clear): never quoted by a problem.
   */
  readonly secretValues?: readonly string[];
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
  /** This site's registry entry; set when the site is a member of a valid registry. */
  readonly member?: Member;
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

/** Paths of `{ secure: ... }` values nested in a section value. */
export function nestedSecrets(value: unknown, path: PathSegment[]): PathSegment[][] {
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
  // Syntax problems name keys as the rest of the report does: from the config key down.
  const problems: Problem[] = yaml.problems.map((p) =>
    p.path[0] === "config" && p.path.length > 1 ? { ...p, path: p.path.slice(1) } : p,
  );
  const values: Record<string, unknown> = {};
  const keys: string[] = [];
  const set = new Set<string>();
  const plaintext = new Set<string>();
  const reported: PathSegment[][] = [];
  const secretValues: string[] = [];
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
              problems.push(secretInsideSection(label, stack, nested));
            }
            values[key] = value;
          } else if (typeof value === "string") {
            // A secret in plain text: refused below, and never quoted.
            plaintext.add(key);
            secretValues.push(value);
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
    secretValues,
  };
}

/**
 * The problem of an encrypted value inside a section (what `pulumi config set --path
 * --secret` writes): secrets are their own keys. Its value is never shown.
 */
export function secretInsideSection(file: string, stack: string, path: PathSegment[]): Problem {
  const key = formatPath(path);
  return {
    file,
    path,
    message:
      `holds an encrypted value, but secrets cannot live inside ${String(path[0])}: each secret is its own key (see README, Secrets). Move it:\n` +
      `pulumi config rm --path '${key}' --stack ${stack}\n` +
      `pulumi config set --secret ${configKey("<name>")} --stack ${stack}\n` +
      `and write { secret: <name> } at ${key}`,
  };
}

/** What the configuration rules found in a source. */
export interface SiteCheck {
  /** The site, once every section parsed (it may still have problems of its own). */
  readonly site?: LoadedSite;
  /**
   * Every section is sound and so are the references between them: the derivations
   * (src/model) may run on `site` and add the problems only they can see.
   */
  readonly derivable: boolean;
  readonly problems: readonly Problem[];
  /** The stack file and the registry, to give problems their line. */
  readonly source: ConfigSource;
  readonly registryYaml?: YamlFile;
}

/** A ConfigError with every problem positioned in the stack file or the registry. */
export function siteError(check: SiteCheck, problems: readonly Problem[]): ConfigError {
  const positioned = withPositions(
    withPositions(problems, check.source.yaml, ["config"]),
    check.registryYaml,
  );
  // Whatever a rule quoted, a secret or a value that looks like one is described instead.
  const secrets = [
    ...sensitiveStrings(check.source.values),
    ...sensitiveStrings(check.source.yaml?.value),
    ...(check.source.secretValues ?? []),
  ];
  return new ConfigError(redactProblems(positioned, secrets));
}

/**
 * Validates a source into a LoadedSite. Schema problems of every section are reported
 * together, with the rules across sections whose sections are all well-formed (a rule that
 * reads a broken section is skipped: it could only report misleading "unknown references"). Throws ConfigError. The
 * rules that need a derivation are not checked here: `evaluateSite` (src/evaluate.ts) runs
 * both.
 */
export function loadSite(source: ConfigSource, options: LoadOptions): LoadedSite {
  const check = checkSite(source, options);
  if (check.problems.length > 0 || !check.site) throw siteError(check, check.problems);
  return check.site;
}

/** The configuration rules of a source: every problem, and the site when its sections parse. */
export function checkSite(source: ConfigSource, options: LoadOptions): SiteCheck {
  const problems: Problem[] = [...source.problems];
  if (source.unreadable) return { problems, derivable: false, source };
  const parsed = parseSections(source.values, source.file);
  const known = (source.reported ?? []).map((p) => formatPath(p));
  problems.push(...parsed.problems.filter((p) => !known.includes(formatPath(p.path))));
  // A section with a problem is broken: what reads it is skipped, the rest still runs, so
  // one report holds the schema problems and what the well-formed sections show.
  const broken = brokenSections([...source.problems, ...parsed.problems]);
  const wellFormed = (section: SectionName) => !broken.has(section);
  // The broken sections read as absent; every check below reads only well-formed ones.
  const config = siteConfigOf(
    Object.fromEntries(
      Object.entries(parsed.sections).filter(([section]) => wellFormed(section as SectionName)),
    ),
  );
  const files = readDeviceCertificates(config, options.root, source.file);
  problems.push(...files.problems);
  problems.push(...plainSecretProblems(config, { file: source.file, stack: source.stack }));
  const crossProblems = referenceProblems(config, source.file, wellFormed);
  problems.push(...crossProblems);
  const federation =
    config.federation && MEMBERSHIP_READS.every(wellFormed)
      ? loadMembership(config, config.federation, source.file, options)
      : undefined;
  problems.push(...(federation?.problems ?? []));
  if (broken.size > 0 || source.problems.length > 0) {
    // The secrets a site needs, and so its unknown keys, need every section.
    problems.push(...sectionNearMisses(source));
    return { problems, derivable: false, source, registryYaml: federation?.yaml };
  }
  const peers = federation?.peers ?? [];
  const secrets = requiredSecrets(config, peers);
  problems.push(
    ...secretProblems(secrets, source.secrets, {
      file: source.file,
      stack: source.stack,
      requirePresent: options.requireSecrets,
    }),
    ...unknownKeys(source, secrets),
  );
  const site: LoadedSite = {
    stack: source.stack,
    file: source.file,
    root: options.root,
    config,
    registry: federation?.registry,
    registryFile: config.federation?.registry,
    peers,
    member: federation?.member,
    secrets,
    certificates: files.certificates,
    missingSecrets: secrets.filter((s) => !source.secrets.isSet(s.name)),
  };
  return {
    site,
    derivable: crossProblems.length === 0,
    problems,
    source,
    registryYaml: federation?.yaml,
  };
}

/** What the federation membership reads: the member's networks and its edge router. */
const MEMBERSHIP_READS: readonly SectionName[] = ["federation", ...NAMESPACE_SECTIONS];

/** The sections a problem was found in (by its path's first key): they are not well-formed. */
function brokenSections(problems: readonly Problem[]): Set<SectionName> {
  return new Set(
    SECTION_NAMES.filter((section) => problems.some((p) => p.path[0] === configKey(section))),
  );
}

/**
 * The site's federation registry and its entry in it: the registry's own problems, the
 * member id, every network the site routes inside the prefixes the member owns.
 */
function loadMembership(
  config: SiteConfig,
  membership: NonNullable<SiteConfig["federation"]>,
  file: string,
  options: LoadOptions,
): {
  yaml?: YamlFile;
  registry?: Registry;
  member?: Member;
  peers: string[];
  problems: Problem[];
} {
  const registryFile = membership.registry;
  const read = readRegistry(options.root, registryFile, { insideProject: true });
  if ("unreadable" in read) {
    const out = new Problems(file);
    out.add(
      [configKey("federation"), "registry"],
      `${registryFile} ${read.unreadable}: give the path, relative to the project, of the federation registry (by default stacks/federation.yaml)`,
    );
    return { peers: [], problems: out.list };
  }
  const { yaml, registry } = read;
  const problems: Problem[] = [...read.problems];
  if (!registry) return { yaml, peers: [], problems };
  const member = registry.members.find((m) => m.id === membership.member);
  if (!member) {
    const out = new Problems(file);
    out.add(
      [configKey("federation"), "member"],
      unknownReference(
        "member",
        membership.member,
        registry.members.map((m) => m.id),
        registryFile,
      ),
    );
    return { yaml, registry, peers: [], problems: [...problems, ...out.list] };
  }
  const inRegistry = { file: registryFile, members: registry.members };
  problems.push(...checkSiteInsideMember(siteNetworks(config), member, inRegistry, file));
  if (read.problems.length === 0)
    problems.push(...checkMemberEdge(config, member, registryFile, file));
  return {
    yaml,
    registry,
    // Peerings are derived from a valid registry only (src/model/federation.ts).
    member: read.problems.length === 0 ? member : undefined,
    peers: peersOf(registry, member.id),
    problems,
  };
}

/**
 * The program builds a member's tunnels and BGP on a FortiGate only: a member stack without
 * one would list its peerings and ask for their PSKs, and build nothing. And a FortiGate
 * member is registered as one, so that its peers' sheets say so.
 */
function checkMemberEdge(
  config: SiteConfig,
  member: Member,
  registryFile: string,
  file: string,
): Problem[] {
  const out = new Problems(file);
  const at = [configKey("federation"), "member"];
  if (!config.fortigate) {
    out.add(
      at,
      `this program builds a member's tunnels and BGP on a FortiGate (homelab:fortigate) only, and this site has ${config.unifi ? "a UniFi gateway" : "no FortiGate"}: its peerings would be listed and their PSKs asked for, with no tunnel built. Configure them on your router from their sheets (npm run peering-sheet -- --member <peer> --peer ${member.id}), register "${member.id}" with edge: unmanaged in ${registryFile}, and remove homelab:federation from this stack`,
    );
  } else if (member.edge !== "fortigate") {
    out.add(
      at,
      `member "${member.id}" is registered with edge: ${member.edge} in ${registryFile}, but this site's FortiGate builds its tunnels: set edge: fortigate there, so that its peers' sheets say so`,
    );
  }
  return out.list;
}

/** Keys that are neither a section nor a secret this site uses. */
function unknownKeys(source: ConfigSource, secrets: readonly SecretRequirement[]): Problem[] {
  const known = new Set<string>([...SECTION_NAMES, ...secrets.map((s) => s.name)]);
  const candidates = [
    ...SECTION_NAMES,
    ...Object.keys(FIXED_SECRETS),
    ...secrets.map((s) => s.name),
  ];
  return source.keys
    .filter((key) => !known.has(key))
    .map((key) => {
      const { near: _near, ...problem } = unknownKeyProblem(key, candidates, source.file);
      return {
        ...problem,
        message: `${problem.message} (if it is an old secret, remove it: pulumi config rm ${configKey(key)} --stack ${source.stack})`,
      };
    });
}

/**
 * The secrets a site needs are unknown until its sections parse; still flag keys that are
 * near-misses of section names (and cannot be secret names).
 */
function sectionNearMisses(source: ConfigSource): Problem[] {
  const problems: Problem[] = [];
  for (const key of source.keys) {
    if ((SECTION_NAMES as string[]).includes(key) || key in FIXED_SECRETS || key.startsWith("psk-"))
      continue;
    const { near, ...problem } = unknownKeyProblem(key, SECTION_NAMES, source.file);
    if (near) problems.push(problem);
  }
  return problems;
}
