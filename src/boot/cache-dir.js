/**
 * Keeps the preload's disk caches (node_modules/.cache/homelab-ts, homelab-v8) bounded.
 * Their entries are keyed by text (homelab-ts) or by path and text (homelab-v8, where only
 * the owning project's modules are kept), so every edit of a file adds entries that nothing
 * reads again. Before a process first writes to a cache directory that holds
 * `limit` files or more, it empties it: the next processes fill it again with what they use
 * (one slower start each). Readers never see half an entry (entries are renamed into place)
 * and treat a missing one as a miss.
 */
"use strict";
const { readdirSync, unlinkSync } = require("node:fs");
const { join } = require("node:path");

/** Directories this process has already checked. */
const checked = new Set();

/** Empties `directory` when it holds `limit` files or more (once per process and directory). */
function makeRoom(directory, limit) {
  if (checked.has(directory)) return false;
  checked.add(directory);
  let names;
  try {
    names = readdirSync(directory);
  } catch {
    return false; // not there yet
  }
  if (names.length < limit) return false;
  for (const name of names) {
    try {
      unlinkSync(join(directory, name));
    } catch {
      // gone already (another process), or not ours to remove
    }
  }
  return true;
}

module.exports = { makeRoom };
