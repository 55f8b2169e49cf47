// The offline plan diff of a pull request (ci.yml): plans every stack in a checkout of the
// base and in one of the head, compares each pair with the head's `npm run plan-diff`, and
// writes one Markdown report. No credential is involved: plans run under Pulumi's mocks.
//
//   node .github/scripts/plan-report.cjs [--same-path] <base-dir> <head-dir> <out-dir>
//
// When a federation registry differs between the checkouts (stacks/federation.yaml, or a
// file a stack's homelab:federation.registry names), the report opens with its summary from
// the head's `npm run registry-diff`. A stack's diff shows added resources' inputs
// (`plan-diff --expand`) when it adds at most EXPAND_MAX_ADDED resources: a new service is
// reviewed with its inputs, a new site (hundreds of resources) stays a list.
//
// Writes <out-dir>/report.md and <out-dir>/<stack>.{base,head}.json, and prints
// `head-failed=true|false` (for $GITHUB_OUTPUT): true when a stack of the head does not plan
// (the report shows why). Exit code 2 on bad arguments only.
//
// --same-path plans both checkouts at one path (each is moved to <head-dir>/../.plan-checkout
// in turn, then back), so that inputs holding absolute paths (a build context) do not show
// the two checkouts' directories as a change.
"use strict";

const { spawnSync } = require("node:child_process");
const { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } = require("node:fs");
const { dirname, join, resolve } = require("node:path");
const { listStacks } = require("./affected-stacks.cjs");
const { codeBlock, inlineCode } = require("./markdown.cjs");

const MARKER = "<!-- homelab:plan-diff -->";

/** Most resources a stack's diff may add for plan-diff to show their inputs (--expand). */
const EXPAND_MAX_ADDED = 10;

/** The registry a member stack reads when its homelab:federation names none. */
const DEFAULT_REGISTRY = "stacks/federation.yaml";

/**
 * The argv of the npm script `script` of the checkout in `dir` when it is a plain
 * `node <args>` command (no shell syntax), run by this node without npm (npm's own start-up,
 * 0.1-0.3 s, per plan); undefined otherwise (then npm runs it). Each checkout's own
 * package.json decides: the base may be an older version of the project.
 */
function nodeCommand(dir, script) {
  let line;
  try {
    line = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).scripts?.[script];
  } catch {
    return undefined;
  }
  if (typeof line !== "string" || /["'\\$&|;<>()`*?~]/.test(line)) return undefined;
  const words = line.split(/\s+/).filter(Boolean);
  return words[0] === "node" ? [process.execPath, ...words.slice(1)] : undefined;
}

/**
 * Runs an npm script in `dir` (with node directly when it is a plain node command).
 * @returns {{ ok: boolean, stdout: string, stderr: string }}
 */
function npmRun(dir, script, args) {
  const direct = nodeCommand(dir, script);
  const [command, ...argv] = direct
    ? [...direct, ...args]
    : ["npm", "run", "--silent", script, "--", ...args];
  const result = spawnSync(command, argv, {
    cwd: dir,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  return { ok: result.status === 0, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}

/** An empty plan: the other side of a stack that one side does not have. */
function emptyPlan(stack, project) {
  return JSON.stringify({ stack, project, resources: [], outputs: {} });
}

function projectOf(json) {
  try {
    return JSON.parse(json).project ?? "homelab";
  } catch {
    return "homelab";
  }
}

/** A fenced block for a tool's error output: nothing in it can close it or render. */
function block(text) {
  return codeBlock(text.trimEnd());
}

/**
 * One stack's section of the report.
 * @param {{ stack: string, base?: { ok: boolean, stdout: string, stderr: string },
 *   head?: { ok: boolean, stdout: string, stderr: string },
 *   diff?: { ok: boolean, stdout: string, stderr: string } }} entry
 *   base/head are missing when the stack file does not exist on that side.
 */
function section({ stack, base, head, diff }) {
  const title = `### Stack ${inlineCode(stack)}`;
  if (head && !head.ok) {
    return [
      `${title}: ❌ does not plan in this pull request`,
      "",
      block(head.stderr || head.stdout),
    ].join("\n");
  }
  if (!head) {
    return `${title}: its stack file is removed. Merging deletes nothing: the stack and its resources remain until \`pulumi destroy\` and \`pulumi stack rm\`.`;
  }
  const notes = [];
  if (!base) notes.push(`> Stack ${inlineCode(stack)} is new in this pull request.`);
  if (base && !base.ok) {
    notes.push(
      "> The base does not plan, so everything below is shown as added:",
      ...block(base.stderr || base.stdout)
        .split("\n")
        .map((l) => `> ${l}`),
    );
  }
  if (!diff?.ok) {
    return [`${title}: plan-diff failed`, "", block(diff?.stderr ?? "")].join("\n");
  }
  return [diff.stdout.trimEnd(), ...(notes.length ? ["", ...notes] : [])].join("\n");
}

/** How many resources of the head plan the base plan lacks (by parent, type and name). */
function addedCount(baseJson, headJson) {
  const ids = (json) => {
    try {
      return JSON.parse(json).resources.map((r) => `${r.parent ?? ""} ${r.type}::${r.name}`);
    } catch {
      return [];
    }
  };
  const before = new Set(ids(baseJson));
  return ids(headJson).filter((id) => !before.has(id)).length;
}

/** `--expand` for plan-diff when the head adds at least one and at most EXPAND_MAX_ADDED. */
function expandArgs(baseJson, headJson) {
  const added = addedCount(baseJson, headJson);
  return added > 0 && added <= EXPAND_MAX_ADDED ? ["--expand"] : [];
}

/**
 * The registry file a stack file's homelab:federation names (`registry:` in its block or its
 * flow mapping), the default one for a member that names none, or undefined for a site that
 * is no member. Read as text: the script runs without the project's YAML parser.
 * @param {string} text
 */
function registryOf(text) {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => /^\s+homelab:federation:/.test(l));
  if (start < 0) return undefined;
  const indent = /^\s*/.exec(lines[start])[0].length;
  const block = [lines[start]];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() !== "" && !line.trim().startsWith("#") && /^\s*/.exec(line)[0].length <= indent)
      break;
    block.push(line);
  }
  const m = /[\s{,]registry:\s*(["']?)([^"'\s,}#]+)\1/.exec(block.join("\n"));
  return m ? m[2] : DEFAULT_REGISTRY;
}

/** The registry files of a checkout: the default one and those its stacks name. */
function registryFiles(root) {
  const files = new Set(existsSync(join(root, DEFAULT_REGISTRY)) ? [DEFAULT_REGISTRY] : []);
  for (const stack of listStacks(root)) {
    const name = ["yaml", "yml"]
      .map((e) => `Pulumi.${stack}.${e}`)
      .find((f) => existsSync(join(root, f)));
    const file = name && registryOf(readFileSync(join(root, name), "utf8"));
    // Inside the checkout only (the program refuses any other path anyway).
    if (file && !file.startsWith("/") && !file.split("/").includes("..")) files.add(file);
  }
  return files;
}

/** A file's text, or undefined when it does not exist (or is not a file). */
function readText(path) {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * The report's section for a registry that differs between base and head.
 * @param {{ file: string, base: boolean, head: boolean,
 *   diff?: { ok: boolean, stdout: string, stderr: string } }} entry
 *   base/head: whether the file exists on that side.
 */
function federationSection({ file, base, head, diff }) {
  const title = `### Federation registry ${inlineCode(file)}`;
  if (!head) {
    return `${title}: removed in this pull request. The stacks that name it no longer check.`;
  }
  if (!base) {
    return `${title}: new in this pull request. Its members and peerings are all new; \`npm run check\` validated it.`;
  }
  if (!diff?.ok)
    return [`${title}: registry-diff failed`, "", block(diff?.stderr ?? "")].join("\n");
  return diff.stdout.trimEnd();
}

/**
 * The whole report: the federation registries' changes first, then each stack's.
 * @param {{ baseRef?: string, headRef?: string, sections: string[], federation?: string[] }} args
 */
function report({ baseRef, headRef, sections, federation = [] }) {
  const refs =
    baseRef && headRef
      ? ` of the base (\`${baseRef.slice(0, 7)}\`) and of this pull request merged into it (\`${headRef.slice(0, 7)}\`)`
      : "";
  return [
    "## Offline plan diff",
    "",
    `Evaluated without any credential: \`npm run plan -- --json\`${refs} for every stack, compared with \`npm run plan-diff\`; a changed federation registry with \`npm run registry-diff\`. ` +
      "What the devices would actually do shows in the live preview comments (preview.yml), for stacks this repository can reach.",
    "",
    ...federation.flatMap((f) => [f, ""]),
    sections.length ? sections.join("\n\n") : "No stack in either version.",
    "",
  ].join("\n");
}

/** Runs `fn(path)` with `dir` moved to `stage` (or in place without a stage), then moves it back. */
function at(dir, stage, fn) {
  if (!stage) return fn(dir);
  renameSync(dir, stage);
  try {
    return fn(stage);
  } finally {
    renameSync(stage, dir);
  }
}

function main(args) {
  const samePath = args[0] === "--same-path";
  const argv = samePath ? args.slice(1) : args;
  if (argv.length !== 3) {
    process.stderr.write("usage: plan-report.cjs [--same-path] <base-dir> <head-dir> <out-dir>\n");
    return 2;
  }
  const [baseDir, headDir, outDir] = argv.map((dir) => resolve(dir));
  const stage = samePath ? join(dirname(headDir), ".plan-checkout") : undefined;
  mkdirSync(outDir, { recursive: true });
  const baseStacks = listStacks(baseDir);
  const headStacks = listStacks(headDir);
  const stacks = [...new Set([...baseStacks, ...headStacks])].sort();
  const sections = [];
  let headFailed = false;
  for (const stack of stacks) {
    const plan = (dir) =>
      at(dir, stage, (path) => npmRun(path, "plan", ["--stack", stack, "--json"]));
    const base = baseStacks.includes(stack) ? plan(baseDir) : undefined;
    const head = headStacks.includes(stack) ? plan(headDir) : undefined;
    if (head && !head.ok) headFailed = true;
    let diff;
    if (head?.ok) {
      const project = projectOf(head.stdout);
      const basePath = join(outDir, `${stack}.base.json`);
      const headPath = join(outDir, `${stack}.head.json`);
      writeFileSync(basePath, base?.ok ? base.stdout : emptyPlan(stack, project));
      writeFileSync(headPath, head.stdout);
      const expand = expandArgs(base?.ok ? base.stdout : "", head.stdout);
      diff = npmRun(headDir, "plan-diff", [basePath, headPath, ...expand]);
    }
    sections.push(section({ stack, base, head, diff }));
    process.stderr.write(
      `${stack}: ${head ? (head.ok ? "planned" : "does not plan") : "removed"}\n`,
    );
  }
  const federation = [];
  const registries = new Set([...registryFiles(baseDir), ...registryFiles(headDir)]);
  for (const file of [...registries].sort()) {
    const before = readText(join(baseDir, file));
    const after = readText(join(headDir, file));
    if (before === after) continue;
    const diff =
      before !== undefined && after !== undefined
        ? npmRun(headDir, "registry-diff", [join(baseDir, file), file])
        : undefined;
    federation.push(
      federationSection({ file, base: before !== undefined, head: after !== undefined, diff }),
    );
    process.stderr.write(`${file}: the federation registry changed\n`);
  }
  const text = report({
    baseRef: process.env.BASE_SHA,
    headRef: process.env.HEAD_SHA,
    sections,
    federation,
  });
  writeFileSync(join(outDir, "report.md"), text);
  process.stdout.write(`head-failed=${headFailed}\n`);
  return 0;
}

module.exports = {
  nodeCommand,
  section,
  federationSection,
  report,
  emptyPlan,
  addedCount,
  expandArgs,
  registryOf,
  MARKER,
  EXPAND_MAX_ADDED,
};

if (require.main === module) process.exitCode = main(process.argv.slice(2));
