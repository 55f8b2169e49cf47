/**
 * The naming rule of docs/design.md: a component class is named after its type token,
 * `homelab:<domain>:<Type>` → `<Domain><Type>`, and `homelab:index:Homelab` → `Homelab`.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";

const COMPONENTS = join(__dirname, "..", "..", "src", "components");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** Every component class with the type token it passes to `super`. */
function components(): { file: string; name: string; token: string }[] {
  return files(COMPONENTS).flatMap((file) => {
    const text = readFileSync(file, "utf8");
    const classes = [...text.matchAll(/export class (\w+) extends pulumi\.ComponentResource/g)];
    const tokens = [...text.matchAll(/super\("(homelab:[\w-]+:\w+)"/g)];
    assert.equal(classes.length, tokens.length, `${file}: one super(token) per component class`);
    return classes.map((c, i) => ({ file, name: c[1]!, token: tokens[i]![1]! }));
  });
}

/** The class name the rule gives a type token. */
function className(token: string): string {
  const [, domain, type] = token.split(":") as [string, string, string];
  if (domain === "index") return type;
  return domain.charAt(0).toUpperCase() + domain.slice(1) + type;
}

describe("component naming", () => {
  it("the rule: <Domain><Type>, index components by their type", () => {
    assert.equal(className("homelab:docker:Service"), "DockerService");
    assert.equal(className("homelab:cloudflare:Dns"), "CloudflareDns");
    assert.equal(className("homelab:index:Homelab"), "Homelab");
  });

  it("every component class is named after its type token", () => {
    const found = components();
    assert.ok(found.length >= 8, `only ${found.length} components found`);
    for (const c of found) assert.equal(c.name, className(c.token), `${c.file} (${c.token})`);
  });

  it("type tokens are the ones every URN of the example stacks holds", () => {
    const tokens = components().map((c) => c.token);
    for (const token of [
      "homelab:docker:Host",
      "homelab:docker:Service",
      "homelab:docker:Services",
      "homelab:cloudflare:Dns",
    ]) {
      assert.ok(tokens.includes(token), `${token} is gone: renaming a type token changes URNs`);
    }
  });
});
