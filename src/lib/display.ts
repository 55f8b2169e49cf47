/**
 * Text that reaches a terminal, a Markdown report or a diagram: control characters shown as
 * escapes (so a value cannot move the cursor, clear the screen or hide text), and the
 * characters the configuration refuses in names and descriptions.
 */

/**
 * Characters that change how surrounding text is displayed rather than adding to it: C0 and
 * C1 controls (ESC starts terminal sequences, CSI is U+009B), DEL, the line and paragraph
 * separators, and the bidirectional overrides and isolates that reorder what a reader sees
 * ("Trojan Source", CVE-2021-42574).
 */
export const CONTROL_CHARACTERS =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMES: Record<number, string> = {
  0x00: "NUL",
  0x07: "bell",
  0x08: "backspace",
  0x09: "tab",
  0x0a: "line break",
  0x0d: "carriage return",
  0x1b: "escape",
  0x7f: "delete",
  0x9b: "CSI",
  0x2028: "line separator",
  0x2029: "paragraph separator",
};

/** "U+001B (escape)" */
export function describeCharacter(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  const bidi =
    (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069) || code === 0x061c;
  const name =
    NAMES[code] ??
    (bidi
      ? "a bidirectional text control"
      : code === 0x200e || code === 0x200f
        ? "a direction mark"
        : "a control character");
  return `${hex} (${name})`;
}

/** The first control character of `text` and its 1-based position, if any. */
export function firstControl(text: string): { char: string; position: number } | undefined {
  CONTROL_CHARACTERS.lastIndex = 0;
  const match = CONTROL_CHARACTERS.exec(text);
  CONTROL_CHARACTERS.lastIndex = 0;
  if (!match) return undefined;
  return { char: match[0], position: [...text.slice(0, match.index)].length + 1 };
}

/** `text` with every control character written as a visible escape (`\u001b`). */
export function printable(text: string): string {
  return text.replace(
    CONTROL_CHARACTERS,
    (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`,
  );
}

/** `printable`, keeping line breaks (multi-line messages). */
export function printableLines(text: string): string {
  return text.split("\n").map(printable).join("\n");
}

/** Lone surrogates and the noncharacters U+FFFE/U+FFFF: text no encoder or XML reader takes. */
const BROKEN =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|[\uFFFE\uFFFF]/g;

/** One line of text to draw: control characters as spaces, broken characters as U+FFFD. */
export function drawable(text: string): string {
  return text.replace(CONTROL_CHARACTERS, " ").replace(BROKEN, "\uFFFD");
}
