/**
 * A strict, small XML parser for tests: it accepts only well-formed documents (one root,
 * balanced tags, quoted and unique attributes, known entities, no stray `<` or `&`) and
 * returns the element tree, so tests can check an SVG's structure.
 */

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  /** Character data directly inside the element, entities decoded. */
  text: string;
}

const NAME = /^[A-Za-z_][\w.:-]*/;
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(text: string, where: number): string {
  return text.replace(/&([^;\s]*);?/g, (whole, body: string) => {
    if (!whole.endsWith(";")) throw new Error(`bare & at ${where}`);
    if (body in ENTITIES) return ENTITIES[body]!;
    const numeric = /^#(x[0-9A-Fa-f]+|[0-9]+)$/.exec(body);
    if (numeric) {
      const value = numeric[1]!;
      return String.fromCodePoint(
        value.startsWith("x") ? parseInt(value.slice(1), 16) : Number(value),
      );
    }
    throw new Error(`unknown entity &${body}; at ${where}`);
  });
}

/** Parses a document; throws with the offset of the first error. */
export function parseXml(source: string): XmlElement {
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const fail = (message: string): never => {
    throw new Error(`${message} at offset ${i}`);
  };
  while (i < source.length) {
    const lt = source.indexOf("<", i);
    const text = source.slice(i, lt < 0 ? source.length : lt);
    if (text.includes(">")) fail("stray >");
    if (stack.length > 0) stack[stack.length - 1]!.text += decode(text, i);
    else if (text.trim() !== "") fail("text outside the root element");
    if (lt < 0) break;
    i = lt;
    if (source.startsWith("<?", i)) {
      const end = source.indexOf("?>", i);
      if (end < 0 || root || stack.length) fail("misplaced processing instruction");
      i = end + 2;
    } else if (source.startsWith("<!--", i)) {
      const end = source.indexOf("-->", i);
      if (end < 0) fail("unterminated comment");
      i = end + 3;
    } else if (source.startsWith("</", i)) {
      const name = NAME.exec(source.slice(i + 2))?.[0] ?? fail("bad closing tag");
      const open = stack.pop();
      if (!open || open.name !== name) fail(`</${name}> closes <${open?.name ?? "nothing"}>`);
      i = i + 2 + name.length;
      while (/\s/.test(source[i] ?? "")) i++;
      if (source[i] !== ">") fail("bad closing tag");
      i++;
    } else {
      const name = NAME.exec(source.slice(i + 1))?.[0] ?? fail("bad tag name");
      i += 1 + name.length;
      const attributes: Record<string, string> = {};
      for (;;) {
        const space = /^\s*/.exec(source.slice(i))![0].length;
        i += space;
        if (source.startsWith("/>", i) || source[i] === ">") break;
        if (space === 0) fail("attributes must be separated by spaces");
        const attr = NAME.exec(source.slice(i))?.[0] ?? fail("bad attribute name");
        i += attr.length;
        if (source[i] !== "=") fail(`attribute ${attr} has no value`);
        const quote = source[i + 1];
        if (quote !== '"' && quote !== "'") fail(`attribute ${attr} is not quoted`);
        const end = source.indexOf(quote!, i + 2);
        if (end < 0) fail("unterminated attribute");
        const raw = source.slice(i + 2, end);
        if (raw.includes("<")) fail(`< in attribute ${attr}`);
        if (attr in attributes) fail(`duplicate attribute ${attr}`);
        attributes[attr] = decode(raw, i);
        i = end + 1;
      }
      const element: XmlElement = { name, attributes, children: [], text: "" };
      if (stack.length > 0) stack[stack.length - 1]!.children.push(element);
      else if (root) fail("a second root element");
      else root = element;
      if (source.startsWith("/>", i)) i += 2;
      else {
        i += 1;
        stack.push(element);
      }
    }
  }
  if (stack.length > 0) fail(`<${stack[stack.length - 1]!.name}> is not closed`);
  return root ?? fail("no root element");
}

/** Every element of the tree named `name`, in document order. */
export function elements(root: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    if (e.name === name) out.push(e);
    e.children.forEach(walk);
  };
  walk(root);
  return out;
}
