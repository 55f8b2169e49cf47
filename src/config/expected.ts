/**
 * What a missing key should hold, read from the zod schema at its path, so that "required key
 * is missing" names what to write: the keys of a mapping, the items of a list, the forms of
 * a union.
 */
import type { z } from "zod";

interface Def {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly shape?: Record<string, z.ZodType>;
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly values?: readonly unknown[];
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;
/** A key that may be left out: its schema accepts nothing (optional, or with a default). */
const isOptional = (schema: z.ZodType): boolean => schema.safeParse(undefined).success;

/** The schema under its wrappers (optional, default, pipe…). */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    const def = defOf(s);
    if (def.innerType) s = def.innerType;
    else if (def.type === "pipe" && def.in) s = def.in;
    else return s;
  }
}

/** The schema of the value at `path` under `schema`, if it can be followed. */
export function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let s: z.ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    const def = defOf(s);
    const next =
      def.type === "object" && typeof segment === "string"
        ? def.shape?.[segment]
        : def.type === "array"
          ? def.element
          : def.type === "record"
            ? def.valueType
            : undefined;
    if (!next) return undefined;
    s = unwrap(next);
  }
  return s;
}

const SCALARS: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  enum: "one of its allowed words",
};

/** What a value of `schema` looks like, in a few words ("a list of { name, password }"). */
export function describeExpected(schema: z.ZodType, depth = 0): string | undefined {
  const s = unwrap(schema);
  const def = defOf(s);
  switch (def.type) {
    case "object": {
      const required = Object.entries(def.shape ?? {})
        .filter(([, v]) => !isOptional(v))
        .map(([k]) => k);
      return required.length > 0 ? `{ ${required.join(", ")} }` : "a mapping (key: value)";
    }
    case "array": {
      const item = depth < 2 && def.element ? describeExpected(def.element, depth + 1) : undefined;
      return item ? `a list of ${item}` : "a list";
    }
    case "record":
      return "a mapping (key: value)";
    case "union": {
      const forms = (def.options ?? []).map((o) => describeExpected(o, depth + 1));
      return forms.every((f) => f !== undefined) ? forms.join(" or ") : undefined;
    }
    case "literal":
      return (def.values ?? []).map((v) => JSON.stringify(v)).join(" or ");
    default:
      return SCALARS[def.type];
  }
}
