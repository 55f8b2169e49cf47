/** A JSON Schema of stacks/schema, compiled for validating documents (as editors do). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { ROOT } from "./sites";

export function validator(file: string) {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  return ajv.compile(JSON.parse(readFileSync(join(ROOT, file), "utf8")) as object);
}
