// A check of `npm test` that need not run again: what it read is exactly what it read when it
// last passed, so it would pass again, with the same output. The project's lint
// (scripts/lint.ts) records a fingerprint of its inputs when it passes with nothing to report,
// and skips the next run whose fingerprint is the same; the format check
// (scripts/format-check.cjs) lists the tree's files with treeFiles and keeps each one's hash. The fingerprint is taken before the check runs: a file that changes while it runs
// makes the next run differ, and check again. A check that fails records nothing.
//
// The tools' own caches are per file and still load the tool and its configuration for every
// file (ESLint 2 s, Prettier 1.5 s); this reads the files and stops (0.05 s).
"use strict";
const { createHash } = require("node:crypto");
const { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } = require("node:fs");
const { dirname, join, relative, sep } = require("node:path");

const sha256 = (data) => createHash("sha256").update(data).digest("hex");

/** Directories no check reads: the packages (their lock stands for them) and git's. */
const SKIPPED = new Set(["node_modules", ".git"]);

/**
 * The files under `root` (relative, `/`-separated, sorted) whose names `keep` accepts,
 * outside node_modules and .git; symbolic links are not followed.
 */
function treeFiles(root, keep = () => true) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name)) walk(path);
      } else if (entry.isFile() && keep(entry.name)) {
        files.push(relative(root, path).split(sep).join("/"));
      }
    }
  };
  walk(root);
  return files.sort();
}

/**
 * The fingerprint of a check's inputs: `files` (relative to `root`; a missing one counts as
 * such), the installed packages (node_modules/.package-lock.json) and `settings` (the tool's
 * arguments, anything else its result depends on).
 */
function fingerprint(root, files, settings = {}) {
  const hash = createHash("sha256");
  hash.update(`${JSON.stringify(settings)}\n`);
  for (const file of [...files, "node_modules/.package-lock.json"]) {
    let text;
    try {
      text = readFileSync(join(root, file));
    } catch {
      text = undefined;
    }
    hash.update(`${file}\0${text === undefined ? "missing" : sha256(text)}\n`);
  }
  return hash.digest("hex");
}

/** Whether the check whose state is kept in `stateFile` passed last with this fingerprint. */
function passedWith(stateFile, print) {
  try {
    return JSON.parse(readFileSync(stateFile, "utf8")).fingerprint === print;
  } catch {
    return false;
  }
}

/** Records a pass with `print`, or (print undefined) forgets the last one. */
function record(stateFile, print) {
  try {
    if (print === undefined) {
      rmSync(stateFile, { force: true });
    } else {
      mkdirSync(dirname(stateFile), { recursive: true });
      writeFileSync(stateFile, `${JSON.stringify({ fingerprint: print })}\n`);
    }
  } catch {
    // A read-only node_modules: every run checks.
  }
}

module.exports = { treeFiles, fingerprint, passedWith, record };
