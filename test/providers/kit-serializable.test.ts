/**
 * A trap of Pulumi's closure serializer that no other check catches until a device answers
 * with an error: it writes a method as `function /*name*\/(…) {…}` and treats the method's own
 * name inside its body as the method itself, so a module-level function of the same name
 * called from it is not captured and the serialized provider throws a ReferenceError there
 * (UniFi errors' `get shortCode()` calling `shortCode()` did: every refused update reached
 * the engine as "shortCode is not defined"). Every file the providers load is checked.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { describe, it } from "node:test";
import ts from "typescript";
import { loadedSources } from "../../src/providers/kit/version";
import { PROVIDER_MODULE as FORTIOS } from "../../src/providers/fortios/resource";
import { PROVIDER_MODULE as UNIFI } from "../../src/providers/unifi/resources";

/** Methods and accessors (of classes and object literals) that name a module-level binding of their own name. */
function selfNamedReferences(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const moduleNames = new Set<string>();
  for (const statement of source.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name) moduleNames.add(statement.name.text);
    if (ts.isClassDeclaration(statement) && statement.name) moduleNames.add(statement.name.text);
    if (ts.isVariableStatement(statement))
      for (const d of statement.declarationList.declarations)
        if (ts.isIdentifier(d.name)) moduleNames.add(d.name.text);
    if (ts.isImportDeclaration(statement) && statement.importClause) {
      const clause = statement.importClause;
      if (clause.name) moduleNames.add(clause.name.text);
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamedImports(bindings))
        for (const e of bindings.elements) moduleNames.add(e.name.text);
      if (bindings && ts.isNamespaceImport(bindings)) moduleNames.add(bindings.name.text);
    }
  }
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      (ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node)) &&
      node.body &&
      ts.isIdentifier(node.name) &&
      moduleNames.has(node.name.text)
    ) {
      const name = node.name.text;
      const use = (inner: ts.Node): void => {
        const property = ts.isPropertyAccessExpression(inner.parent) && inner.parent.name === inner;
        if (ts.isIdentifier(inner) && inner.text === name && !property) {
          const { line } = source.getLineAndCharacterOfPosition(inner.getStart(source));
          found.push(`${file}:${line + 1}: ${name}`);
        }
        ts.forEachChild(inner, use);
      };
      ts.forEachChild(node.body, use);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("provider code the closure serializer keeps whole", () => {
  it("finds a method that calls a module function of its own name", () => {
    const text = `function shortCode(c: string) { return c; }
class E { get shortCode() { return shortCode("x"); } other() { return this.shortCode; } }`;
    assert.deepEqual(selfNamedReferences("e.ts", text), ["e.ts:2: shortCode"]);
  });

  it("no provider method calls a module-level name of its own", () => {
    const files = [...new Set([...loadedSources(FORTIOS), ...loadedSources(UNIFI)])];
    assert.ok(files.length > 10, "the providers' files");
    const found = files.flatMap((file) =>
      selfNamedReferences(relative(process.cwd(), file), readFileSync(file, "utf8")),
    );
    assert.deepEqual(found, []);
  });
});
