// Which site stacks a change touches, for the preview workflow (and every stack, for drift).
//
//   node .github/scripts/affected-stacks.cjs <base-sha> <head-sha>   stacks touched by the diff
//   node .github/scripts/affected-stacks.cjs --all                   every stack
//
// Prints `stacks=<JSON list>` (for $GITHUB_OUTPUT) and one line per stack with the reason on
// stderr. Only Node built-ins: it runs before `npm ci`.
"use strict";

const { execFileSync } = require("node:child_process");
const { readdirSync, readFileSync } = require("node:fs");
const { join } = require("node:path");

const STACK_FILE = /^Pulumi\.([^./]+)\.ya?ml$/;

/** Files that never change what a stack deploys. */
const INERT = [
  /\.md$/,
  /^docs\//,
  /^test\//,
  /^bench\//,
  /^scripts\//,
  /^\.ci\//,
  /^\.github\//,
  /^stacks\/schema\//,
  /^LICENSE$/,
  /^\.(gitignore|prettierrc\.json|prettierignore|editorconfig)$/,
  /^eslint\.config\.mjs$/,
];

/** Stack files and registries live here; anything else in stacks/ is a registry. */
const REGISTRY = /^stacks\/[^/]+\.ya?ml$/;

/**
 * The stacks to preview for a list of changed files.
 * @param {{ changedFiles: string[], stacks: string[], federationStacks: string[] }} input
 *   stacks: every stack of the head; federationStacks: those with a homelab:federation key.
 * @returns {{ stacks: string[], reasons: Record<string, string> }}
 */
function affectedStacks({ changedFiles, stacks, federationStacks }) {
  /** @type {Record<string, string>} */
  const reasons = {};
  const touch = (stack, reason) => {
    if (stacks.includes(stack) && reasons[stack] === undefined) reasons[stack] = reason;
  };
  for (const file of [...changedFiles].sort()) {
    const stackFile = STACK_FILE.exec(file);
    if (stackFile) {
      touch(stackFile[1], `its stack file ${file} changed`);
    } else if (REGISTRY.test(file)) {
      for (const stack of federationStacks) touch(stack, `the federation registry ${file} changed`);
    } else if (!INERT.some((pattern) => pattern.test(file))) {
      for (const stack of stacks) touch(stack, `the program changed (${file})`);
    }
  }
  const affected = stacks.filter((s) => reasons[s] !== undefined).sort();
  return { stacks: affected, reasons };
}

/** Stack names with a Pulumi.<stack>.yaml in `root`, sorted. */
function listStacks(root) {
  return readdirSync(root)
    .map((file) => STACK_FILE.exec(file)?.[1])
    .filter((s) => s !== undefined)
    .sort();
}

/** Whether a stack file declares federation membership (a homelab:federation key). */
function isFederationMember(root, stack) {
  const file = readdirSync(root).find((f) => STACK_FILE.exec(f)?.[1] === stack);
  return (
    file !== undefined && /^\s+homelab:federation:/m.test(readFileSync(join(root, file), "utf8"))
  );
}

function main(argv) {
  const root = process.cwd();
  const stacks = listStacks(root);
  let result;
  if (argv.length === 1 && argv[0] === "--all") {
    result = { stacks, reasons: Object.fromEntries(stacks.map((s) => [s, "every stack"])) };
  } else if (argv.length === 2) {
    const changedFiles = execFileSync("git", ["diff", "--name-only", `${argv[0]}...${argv[1]}`], {
      encoding: "utf8",
    })
      .split("\n")
      .filter(Boolean);
    const federationStacks = stacks.filter((s) => isFederationMember(root, s));
    result = affectedStacks({ changedFiles, stacks, federationStacks });
  } else {
    process.stderr.write("usage: affected-stacks.cjs <base-sha> <head-sha> | --all\n");
    return 2;
  }
  for (const stack of result.stacks) process.stderr.write(`${stack}: ${result.reasons[stack]}\n`);
  if (result.stacks.length === 0) process.stderr.write("no stack is affected\n");
  process.stdout.write(`stacks=${JSON.stringify(result.stacks)}\n`);
  return 0;
}

module.exports = { affectedStacks, listStacks, isFederationMember };

if (require.main === module) process.exitCode = main(process.argv.slice(2));
