/**
 * Building blocks shared by every config schema: strict objects that reject unknown keys
 * with a "did you mean", and string types (names, addresses, prefixes, ranges) whose errors
 * say what is wrong and how to fix it.
 */
import { z } from "zod";
import {
  formatPrefix,
  isIPv6Prefix,
  parseAddressWithPrefix,
  parseIPv4,
  parsePrefix,
  parseRange,
  hostRange,
  maskOf,
  formatIPv4,
} from "../lib/net";
import { describeCharacter, firstControl } from "../lib/display";
import { describeSecretText, looksLikeSecret } from "./sensitive";

/**
 * Edit distance counting an adjacent transposition as one edit (optimal string alignment),
 * for "did you mean" suggestions: "wrok" is one edit from "work".
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]![j]!;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      d[i]![j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The closest candidate to `word`, if it is close enough to be a plausible typo
 * (distance at most a third of the word, minimum 1; case differences count as near).
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance =
      candidate.toLowerCase() === word.toLowerCase() ? 0.5 : editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.max(1, Math.floor(word.length / 3));
  return bestDistance <= limit ? best : undefined;
}

/** "did you mean "x"?" or the list of allowed values. */
export function suggestion(word: string, candidates: readonly string[]): string {
  const near = closest(word, candidates);
  if (near !== undefined) return `did you mean "${near}"?`;
  return `expected one of: ${candidates.map((c) => `"${c}"`).join(", ")}`;
}

/**
 * Marker separating per-key messages of one `unrecognized_keys` issue; the formatter
 * (errors.ts) splits on it to report each unknown key at its own path.
 */
export const KEY_MESSAGE_SEPARATOR = "\u241e";

/** A strict object: unknown keys are errors that name the closest known key. */
export function strict<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== "unrecognized_keys") return undefined;
      return issue.keys
        .map((key) => `unknown key "${key}": ${suggestion(key, known)}`)
        .join(KEY_MESSAGE_SEPARATOR);
    },
  });
}

/** Adds a description (shown by editors through the JSON Schema) and examples. */
export function doc<T extends z.ZodType>(schema: T, description: string, examples?: unknown[]): T {
  return schema.meta(examples ? { description, examples } : { description });
}

/**
 * One line of text for people: a description, a display name, a contact, an alias, a
 * comment. It ends up in terminals (reports, the peering sheet), diagrams, Markdown reviews
 * and device comments, and in other members' tools when it comes from the shared registry,
 * so it refuses what would act there instead of reading: control characters (an escape
 * sequence rewrites a terminal; a NUL or a newline breaks an SVG, a FortiOS comment or a
 * report), bidirectional overrides, and anything that looks like a credential (it would be
 * printed everywhere). `max` is the device's own limit, where it has one.
 *
 * @example text(255) // a FortiOS interface description
 */
export function text(max?: number) {
  const base = z.string().superRefine((value, ctx) => {
    const control = firstControl(value);
    if (control) {
      ctx.addIssue({
        code: "custom",
        message: `must be one line of plain text: character ${control.position} is ${describeCharacter(control.char)}; remove it (control characters can rewrite a terminal, break a diagram or a device comment)`,
      });
    } else if (looksLikeSecret(value)) {
      ctx.addIssue({
        code: "custom",
        message: `looks like a credential (${describeSecretText(value)}), and this text is printed in plans, diagrams and reports: store a secret with pulumi config set --secret, and write something else here`,
      });
    }
  });
  return max === undefined ? base : base.max(max);
}

/** Names of things (nodes, guests, networks, services): DNS-label style. */
export const name = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, {
    error:
      "must be a lowercase name: letters, digits and hyphens, starting with a letter, e.g. media-box",
  })
  .refine((value) => !value.endsWith("-"), { error: "must not end with a hyphen" });

/** A DNS name (host or domain), lower case. */
export const dnsName = z
  .string()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/,
    {
      error:
        "must be a lowercase DNS name: labels of letters, digits and hyphens joined by dots, e.g. example.org",
    },
  );

/** An IPv4 address. */
export const ipv4 = z.string().superRefine((value, ctx) => {
  if (parseIPv4(value) === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `"${value}" is not an IPv4 address: write four numbers 0-255, e.g. 192.0.2.10`,
    });
  }
});

/** An IPv4 address or a DNS name (for endpoints and hosts). */
export const hostOrAddress = z.string().superRefine((value, ctx) => {
  if (parseIPv4(value) !== undefined) return;
  if (dnsName.safeParse(value).success && !/^[\d.]+$/.test(value)) return;
  ctx.addIssue({
    code: "custom",
    message: `"${value}" is neither an IPv4 address nor a DNS name`,
  });
});

/**
 * An IPv4 prefix with no host bits: "10.128.0.0/24". "10.128.0.5/24" is rejected with the
 * corrected prefix as suggestion.
 */
export const cidr = z.string().superRefine((value, ctx) => {
  const parsed = parsePrefix(value);
  if (!parsed) {
    ctx.addIssue({
      code: "custom",
      message: `"${value}" is not an IPv4 prefix: write address/length, e.g. 10.0.10.0/24`,
    });
  } else if (parsed.hostBits) {
    ctx.addIssue({
      code: "custom",
      message: `${value} has host bits set: did you mean ${formatPrefix(parsed.prefix)}?`,
    });
  }
});

/** An IPv4 or IPv6 prefix (for lists such as Cloudflare's ranges). */
export const anyCidr = z.string().superRefine((value, ctx) => {
  if (value.includes(":")) {
    if (!isIPv6Prefix(value)) {
      ctx.addIssue({ code: "custom", message: `"${value}" is not an IPv6 prefix` });
    }
    return;
  }
  const parsed = parsePrefix(value);
  if (!parsed) {
    ctx.addIssue({ code: "custom", message: `"${value}" is not an IP prefix` });
  } else if (parsed.hostBits) {
    ctx.addIssue({
      code: "custom",
      message: `${value} has host bits set: did you mean ${formatPrefix(parsed.prefix)}?`,
    });
  }
});

/**
 * An interface address with its prefix length: "172.24.0.1/24". Must be a host address of
 * that subnet (not the network or broadcast address).
 */
export const interfaceAddress = z.string().superRefine((value, ctx) => {
  const parsed = parseAddressWithPrefix(value);
  if (!parsed) {
    ctx.addIssue({
      code: "custom",
      message: `"${value}" is not an interface address: write address/length, e.g. 172.24.0.1/24`,
    });
    return;
  }
  const network = (parsed.address & maskOf(parsed.length)) >>> 0;
  const hosts = hostRange({ network, length: parsed.length });
  if (parsed.address < hosts.first || parsed.address > hosts.last) {
    ctx.addIssue({
      code: "custom",
      message: `${value} is the network or broadcast address of ${formatIPv4(network)}/${parsed.length}: use a host address such as ${formatIPv4(hosts.first)}/${parsed.length}`,
    });
  }
});

/** An inclusive IPv4 range "first-last" (or a single address). */
export const addressRange = z.string().superRefine((value, ctx) => {
  if (!parseRange(value)) {
    ctx.addIssue({
      code: "custom",
      message: `"${value}" is not an address range: write first-last, e.g. 10.0.10.100-10.0.10.199`,
    });
  }
});

/** An 802.1Q VLAN id. */
export const vlanId = z
  .number()
  .int({ error: "must be a whole number" })
  .min(1, { error: "VLAN ids run from 1 to 4094" })
  .max(4094, { error: "VLAN ids run from 1 to 4094" });

export const port = z
  .number()
  .int({ error: "must be a whole number" })
  .min(1, { error: "must be a port number between 1 and 65535" })
  .max(65535, { error: "must be a port number between 1 and 65535" });

/** An https:// (or http://) URL. */
export const url = z.string().superRefine((value, ctx) => {
  let parsed: URL | undefined;
  try {
    parsed = new URL(value);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== "https:" && parsed.protocol !== "http:")) {
    ctx.addIssue({
      code: "custom",
      message: `"${value}" is not an http(s) URL, e.g. https://192.0.2.10:8006/`,
    });
  }
});

/** Names of Pulumi secrets this program reads: `homelab:<name>`. */
export const SECRET_NAME = /^[A-Za-z][A-Za-z0-9-]{0,62}$/;

/**
 * A reference to a Pulumi secret of this stack: `{ secret: "immichApiKey" }` reads
 * `homelab:immichApiKey`, which must be set with `pulumi config set --secret`.
 */
export const secretRef = doc(
  z.strictObject(
    {
      secret: doc(
        z.string().regex(SECRET_NAME, {
          error:
            "must be a config key name: letters, digits and hyphens, starting with a letter, e.g. pbsPassword",
        }),
        "Name of the stack secret without the namespace: `pbsPassword` reads homelab:pbsPassword.",
      ),
    },
    {
      error: (issue) => {
        if (issue.code === "unrecognized_keys")
          return issue.keys
            .map((key) => `unknown key "${key}": ${suggestion(key, ["secret"])}`)
            .join(KEY_MESSAGE_SEPARATOR);
        // Plain text typed where a secret belongs: say so without quoting it.
        if (issue.code === "invalid_type" && typeof issue.input === "string")
          return `is plain text (${describeSecretText(issue.input)}), but it is a secret: store it encrypted with pulumi config set --secret homelab:<name> (it prompts for the value) and write { secret: <name> } here`;
        return undefined;
      },
    },
  ),
  "A Pulumi secret of this stack, set with `pulumi config set --secret homelab:<secret> <value>`.",
  [{ secret: "pbsPassword" }],
);
export type SecretRef = z.infer<typeof secretRef>;

/** TLS settings for a device API with a self-signed certificate. */
export const deviceTls = doc(
  strict({
    ca: doc(
      z.string().min(1),
      "PEM file (path relative to the project) of the CA that signed the device certificate.",
      ["certs/fortigate-ca.pem"],
    ).optional(),
    fingerprint: doc(
      z.string().regex(/^(sha256:)?([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/, {
        error:
          "must be a SHA-256 certificate fingerprint: 32 hex bytes separated by colons (openssl x509 -noout -fingerprint -sha256), e.g. 9F:3A:61:0C:D2:47:BE:18:75:E9:04:AA:C3:5D:6B:F0:21:8E:97:4C:3B:D0:66:12:A5:7F:E8:09:C4:53:2D:B1",
      }),
      "Pin the device certificate by its SHA-256 fingerprint (openssl x509 -noout -fingerprint -sha256).",
    ).optional(),
    insecureSkipVerify: doc(
      z.boolean().default(false),
      "Do not verify the certificate at all. Dangerous: anyone on the path can steal the API token. Prefer `ca` or `fingerprint`.",
    ),
  }),
  "How to trust the device's HTTPS certificate. Verification is on by default.",
);
export type DeviceTls = z.infer<typeof deviceTls>;

/** Day-to-day units: memory in MiB and disks in GiB, named in the key (`memoryMiB`). */
export const positiveInt = z.number().int({ error: "must be a whole number" }).positive({
  error: "must be greater than 0",
});
