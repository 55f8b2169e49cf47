// Extracts the FortiOS 7.4 CMDB schema of every table the project writes or reads into
// test/emulators/fortigate-schema-7.4.json, from Fortinet's own sources (facts, as data:
// no code of theirs is copied):
//
// - the fortinet.fortios Ansible collection's `versioned_schema` of each module
//   (plugins/modules/fortios_<table>.py): attribute names, nested tables and their keys
//   (the child marked required), option values, multi-value options (multiple_values),
//   and per-version availability (v_range) of every attribute and option; its
//   DOCUMENTATION block: integer ranges ("(0 - 4294967294)") and the tables a value names
//   ("Source firewall.address.name firewall.addrgrp.name.");
// - Fortinet's Terraform provider (fortios/resource_<table>.go): string lengths
//   (validation.StringLenBetween) and ranges the Ansible documentation lacks
//   (validation.IntBetween). Its schema is one for every version, so it only adds limits
//   to attributes the Ansible schema has at the chosen version.
//
// The version is the latest 7.4.x the Ansible collection knows (the FortiGate 60E's last
// major release is 7.4); a table the collection only scanned on an earlier 7.4.x (the
// model-specific system/virtual-switch) is taken at the latest 7.4.x that has it.
//
// Usage: node scripts/fortios-schema.mjs [--ansible <git dir>] [--terraform <git dir>]
// [--json <out>] [--ts <out>] (defaults: the mirrors under /work/.mirror, and the files
// named below). Read with `git show HEAD:<path>`: the mirrors have no work tree.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { parse: parseYaml } = require("yaml");
const prettier = require("prettier");

const ROOT = join(import.meta.dirname, "..");
function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const OUTPUT = arg("--json", join(ROOT, "test", "emulators", "fortigate-schema-7.4.json"));
const MULTI_VALUE = arg("--ts", join(ROOT, "src", "providers", "fortios", "multi-value.ts"));

const ANSIBLE = arg(
  "--ansible",
  "/work/.mirror/fortinet-ansible-dev+ansible-galaxy-fortios-collection/repo",
);
const TERRAFORM = arg("--terraform", "/work/.mirror/fortinetdev+terraform-provider-fortios/repo");

/** The CMDB tables the project writes (the first WRITTEN) and reads or names (then). */
const WRITTEN = 14;
const TABLES = [
  "system/interface",
  "system.dhcp/server",
  "firewall/address",
  "firewall/addrgrp",
  "firewall/vip",
  "firewall/policy",
  "router/static",
  "router/prefix-list",
  "router/route-map",
  "router/bgp",
  "vpn.ipsec/phase1-interface",
  "vpn.ipsec/phase2-interface",
  "user/local",
  "user/group",
  "system/virtual-switch",
  "system/switch-interface",
  "system/zone",
  "firewall.service/custom",
  "firewall.service/group",
  "firewall.schedule/recurring",
];

function git(dir, ...args) {
  return execFileSync("git", ["-C", dir, ...args], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
}

// ------------------------------------------------------------------ Python literals

/** Parses the Python literal (dicts, lists, strings, numbers, True/False/None) at `start`. */
function parsePython(text, start) {
  let i = start;
  const ws = () => {
    while (i < text.length) {
      if (/\s/.test(text[i])) i++;
      else if (text[i] === "#") while (i < text.length && text[i] !== "\n") i++;
      else break;
    }
  };
  const value = () => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const out = {};
      for (;;) {
        ws();
        if (text[i] === "}") return (i++, out);
        const key = value();
        ws();
        if (text[i++] !== ":") throw new Error(`expected : at ${i}`);
        out[key] = value();
        ws();
        if (text[i] === ",") i++;
      }
    }
    if (c === "[" || c === "(") {
      const close = c === "[" ? "]" : ")";
      i++;
      const out = [];
      for (;;) {
        ws();
        if (text[i] === close) return (i++, out);
        out.push(value());
        ws();
        if (text[i] === ",") i++;
      }
    }
    if (c === '"' || c === "'") {
      let s = "";
      i++;
      while (text[i] !== c) {
        if (text[i] === "\\") {
          s += text[i + 1];
          i += 2;
        } else s += text[i++];
      }
      i++;
      // Adjacent literals concatenate ("a" "b").
      ws();
      if (text[i] === '"' || text[i] === "'") return s + value();
      return s;
    }
    const word = /^[A-Za-z0-9_.+-]+/.exec(text.slice(i))?.[0];
    if (!word) throw new Error(`unexpected ${JSON.stringify(text.slice(i, i + 20))}`);
    i += word.length;
    if (word === "True") return true;
    if (word === "False") return false;
    if (word === "None") return null;
    if (/^-?\d+(\.\d+)?$/.test(word)) return Number(word);
    throw new Error(`unexpected word ${word}`);
  };
  return value();
}

function pythonAssignment(source, name) {
  const at = source.indexOf(`\n${name} = `);
  if (at < 0) return undefined;
  return parsePython(source, at + name.length + 4);
}

// ------------------------------------------------------------------ versions

const parseVersion = (v) => v.replace(/^v/, "").split(".").map(Number);
function compare(a, b) {
  const x = parseVersion(a);
  const y = parseVersion(b);
  for (let k = 0; k < 3; k++) if ((x[k] ?? 0) !== (y[k] ?? 0)) return (x[k] ?? 0) - (y[k] ?? 0);
  return 0;
}
/** Whether a v_range ([[start, end], ...], end "" = still there) includes `version`. */
function inRange(vRange, version) {
  if (!vRange) return true;
  return vRange.some(
    ([s, e]) => compare(s, version) <= 0 && (e === "" || compare(version, e) <= 0),
  );
}

// ------------------------------------------------------------------ Terraform limits

/** The body of the brace block opening at `open` (text[open] === "{"). */
function block(text, open) {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return text.slice(open + 1, i);
    else if (text[i] === '"') {
      i++;
      while (text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    } else if (text[i] === "`") {
      i++;
      while (text[i] !== "`") i++;
    }
  }
  throw new Error("unbalanced braces");
}

/** Attributes of a `map[string]*schema.Schema{...}` body: limits and nested schemas. */
function terraformSchema(body) {
  const out = {};
  const entry = /"([^"]+)":\s*&schema\.Schema\{/g;
  let match;
  let from = 0;
  while (((entry.lastIndex = from), (match = entry.exec(body)))) {
    const inner = block(body, match.index + match[0].length - 1);
    from = match.index + match[0].length + inner.length;
    const nested = /Elem:\s*&schema\.Resource\{\s*Schema:\s*map\[string\]\*schema\.Schema\{/.exec(
      inner,
    );
    const own = nested ? inner.slice(0, nested.index) : inner;
    const item = {};
    const len = /validation\.StringLenBetween\((\d+),\s*(\d+)\)/.exec(own);
    if (len) item.maxLength = Number(len[2]);
    const range = /validation\.IntBetween\((-?\d+),\s*(-?\d+)\)/.exec(own);
    if (range) item.range = [Number(range[1]), Number(range[2])];
    if (nested) item.children = terraformSchema(block(inner, nested.index + nested[0].length - 1));
    out[match[1]] = item;
  }
  return out;
}

function terraformFile(path) {
  const [category, table] = path.split("/");
  const name = `${category.replace(/[.-]/g, "")}_${table.replace(/[.-]/g, "")}`;
  try {
    const source = git(TERRAFORM, "show", `HEAD:fortios/resource_${name}.go`);
    const start = /Schema:\s*map\[string\]\*schema\.Schema\{/.exec(source);
    return start ? terraformSchema(block(source, start.index + start[0].length - 1)) : {};
  } catch {
    return {};
  }
}

// ------------------------------------------------------------------ Ansible documentation

/** "Source firewall.address.name firewall.addrgrp.name." → ["firewall/address", ...]. */
function sources(description) {
  const match = /Source ([^ ]+(?: [a-z0-9-]+(?:\.[a-z0-9-]+)+)*)\.?\s*$/.exec(description);
  if (!match) return undefined;
  return match[1]
    .replace(/\.$/, "")
    .split(" ")
    .map((ref) => {
      const parts = ref.split(".");
      parts.pop(); // the attribute ("name")
      const table = parts.pop();
      return `${parts.join(".")}/${table}`;
    });
}

function docLimits(doc) {
  // A long "Source a.b.name c.d.name" wraps in the YAML and comes back as "c.d .name".
  const description = (doc?.description ?? []).join(" ").replace(/ \.(?=[a-z])/g, ".");
  const out = {};
  const range = /\((-?\d+) - (-?\d+)\)/.exec(description);
  if (range) out.range = [Number(range[1]), Number(range[2])];
  const refs = sources(description);
  if (refs) out.references = refs;
  return out;
}

// ------------------------------------------------------------------ one table

function attributeOf(name, schema, version, doc, tf, renames) {
  const apiName = (renames[name] ?? name).replace(/_/g, "-");
  const limits = { ...docLimits(doc) };
  if (tf?.maxLength !== undefined) limits.maxLength = tf.maxLength;
  if (!limits.range && tf?.range) limits.range = tf.range;
  const options = schema.options
    ?.filter((o) => inRange(o.v_range, version))
    .map((o) => String(o.value));
  if (schema.type === "list" && schema.elements === "dict" && schema.children) {
    const children = childrenOf(schema.children, version, doc?.suboptions, tf?.children, renames);
    const key = Object.entries(schema.children).find(
      ([, c]) => c.required && inRange(c.v_range, version),
    )?.[0];
    return [
      apiName,
      {
        type: "table",
        ...(key ? { key: (renames[key] ?? key).replace(/_/g, "-") } : {}),
        children,
      },
    ];
  }
  if (schema.type === "list") {
    return [
      apiName,
      { type: "multi", ...(options ? { options } : {}), ...pick(limits, "maxLength") },
    ];
  }
  if (schema.type === "dict" && schema.children) {
    const children = childrenOf(schema.children, version, doc?.suboptions, tf?.children, renames);
    return [apiName, { type: "object", children }];
  }
  if (options) return [apiName, { type: "option", options }];
  if (schema.type === "integer") {
    return [apiName, { type: "integer", ...pick(limits, "range") }];
  }
  return [
    apiName,
    {
      type: "string",
      ...pick(limits, "maxLength"),
      ...pick(limits, "references"),
    },
  ];
}

function pick(object, key) {
  return object[key] === undefined ? {} : { [key]: object[key] };
}

function childrenOf(children, version, docs = {}, tf = {}, renames) {
  const out = {};
  for (const [name, schema] of Object.entries(children).sort(([a], [b]) => a.localeCompare(b))) {
    if (!inRange(schema.v_range, version)) continue;
    const [apiName, attribute] = attributeOf(name, schema, version, docs[name], tf[name], renames);
    out[apiName] = attribute;
  }
  return out;
}

/**
 * Attributes the chosen release does not list but that Fortinet's other source says it has:
 * router/bgp `redistribute` is in the collection only up to 7.0.5 and 7.2.0, while the
 * Terraform provider sends it on every release (with EVPN fields no release before 7.4
 * has). Kept apart, at the latest release that lists them, for an emulator that models
 * the devices that do have it.
 */
const DISPUTED = { "router/bgp": ["redistribute", "redistribute6"] };

/** Every version the collection names anywhere, newest first. */
function allVersions(sources) {
  const found = new Set();
  for (const source of sources)
    for (const m of source.matchAll(/"v(\d+\.\d+\.\d+)"/g)) found.add(m[1]);
  return [...found].sort((a, b) => compare(b, a));
}

/** Every 7.4.x version the collection names anywhere, newest first. */
function knownVersions(sourceOf) {
  const found = new Set();
  for (const source of sourceOf)
    for (const m of source.matchAll(/"v(7\.4\.\d+)"/g)) found.add(m[1]);
  return [...found].sort((a, b) => compare(b, a));
}

async function main() {
  const commit = git(ANSIBLE, "rev-parse", "HEAD").trim();
  const galaxy = parseYaml(git(ANSIBLE, "show", "HEAD:galaxy.yml"));
  const tfCommit = git(TERRAFORM, "rev-parse", "HEAD").trim();
  const modules = TABLES.map((path) => {
    const [category, table] = path.split("/");
    const file = `plugins/modules/fortios_${category.replace(/\./g, "_")}_${table.replace(/-/g, "_")}.py`;
    return { path, file, source: git(ANSIBLE, "show", `HEAD:${file}`) };
  });
  const versions = knownVersions(modules.map((m) => m.source));
  const latest = versions[0];
  const tables = {};
  for (const { path, file, source } of modules) {
    const schema = pythonAssignment(source, "versioned_schema");
    const version = versions.find((v) => inRange(schema.v_range, `v${v}`));
    if (!version) throw new Error(`${path} exists in no FortiOS 7.4 release the collection knows`);
    const [category, table] = path.split("/");
    const sets = new RegExp(`fos\\.set\\(\\s*"${category.replace(/\./g, "\\.")}",\\s*"${table}"`);
    if (!sets.test(source)) throw new Error(`${file} does not write ${path}`);
    const mkey = /\n {4}mkeyname = (None|"([^"]+)")/.exec(source);
    const docText = /\nDOCUMENTATION = """\n?([\s\S]*?)"""/.exec(source)?.[1] ?? "";
    const moduleKey = `${category.replace(/\./g, "_")}_${table.replace(/-/g, "_")}`;
    const docs = parseYaml(docText)?.options?.[moduleKey]?.suboptions ?? {};
    const special = /speciallist = (\{[^}]*\})/.exec(source);
    const renames = special
      ? Object.fromEntries(
          Object.entries(parsePython(special[1], 0)).map(([real, underscored]) => [
            underscored,
            real,
          ]),
        )
      : {};
    const tf = terraformFile(path);
    const attributes = childrenOf(schema.children, `v${version}`, docs, tf, renames);
    const disputed = {};
    for (const name of DISPUTED[path] ?? []) {
      if (attributes[name]) continue;
      const child = schema.children[name.replace(/-/g, "_")];
      const at = allVersions([source]).find((v) => inRange(child?.v_range, `v${v}`));
      if (!child || !at) continue;
      const [apiName, attribute] = attributeOf(
        name.replace(/-/g, "_"),
        child,
        `v${at}`,
        docs[name.replace(/-/g, "_")],
        tf[name.replace(/-/g, "_")],
        renames,
      );
      disputed[apiName] = { listedUpTo: at, ...attribute };
    }
    tables[path] = {
      module: file.split("/").pop().replace(/\.py$/, ""),
      version,
      category: mkey?.[2] ? "table" : "complex",
      ...(mkey?.[2] ? { mkey: mkey[2].replace(/_/g, "-") } : {}),
      attributes,
      ...(Object.keys(disputed).length > 0 ? { disputed } : {}),
    };
  }
  const data = {
    $comment:
      "Generated by scripts/fortios-schema.mjs from Fortinet's own schemas; do not edit by hand.",
    fortios: latest,
    sources: {
      ansible: {
        repository: "fortinet-ansible-dev/ansible-galaxy-fortios-collection",
        collection: `fortinet.fortios ${galaxy.version}`,
        commit,
      },
      terraform: { repository: "fortinetdev/terraform-provider-fortios", commit: tfCommit },
    },
    tables,
  };
  writeFileSync(
    OUTPUT,
    await prettier.format(JSON.stringify(data), { parser: "json", printWidth: 100 }),
  );
  const multi = Object.fromEntries(
    TABLES.slice(0, WRITTEN).map((path) => [path, multiValuePaths(tables[path].attributes)]),
  );
  const ts = `/**
 * Multi-value options (space-separated words the device stores in its own order) of every
 * table the project writes, as dotted attribute paths ("secondaryip.allowaccess"): generated
 * by scripts/fortios-schema.mjs from Fortinet's schema of FortiOS ${latest}
 * (test/emulators/fortigate-schema-7.4.json; a test holds the two equal). Do not edit.
 *
 * Runs inside the serialized provider: plain data only.
 */
export const MULTI_VALUE: Readonly<Record<string, readonly string[]>> = ${JSON.stringify(multi)};
`;
  writeFileSync(
    MULTI_VALUE,
    await prettier.format(ts, { parser: "typescript", printWidth: 100, trailingComma: "all" }),
  );
}

/** Dotted paths of the multi-value attributes of a table, sorted. */
function multiValuePaths(attributes, prefix = "") {
  return Object.entries(attributes)
    .flatMap(([name, a]) =>
      a.type === "multi" && a.options
        ? [prefix + name]
        : a.children
          ? multiValuePaths(a.children, `${prefix}${name}.`)
          : [],
    )
    .sort();
}

await main();
console.log(`wrote ${OUTPUT} and ${MULTI_VALUE}`);
