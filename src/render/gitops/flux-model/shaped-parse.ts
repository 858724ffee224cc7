// Many rendered documents differ from one environment to the next only inside double-quoted
// scalars (a path, an address, a host name: the renderer prints every value with {{yaml}}, a JSON
// string). A document's shape is its text with each one-line double-quoted scalar replaced by a
// numbered placeholder: documents of one shape parse to the same tree but for those strings. The
// shape is parsed once; a document of a known shape is its tree with the placeholders replaced by
// its own strings (decoded as JSON, whose escapes mean the same in YAML's double-quoted style).
// Whatever could break that (a placeholder that is not a whole key or value, a duplicate key, a
// character or escape outside the common ground) gives undefined, and the caller parses the text.
import yaml from "js-yaml";

/** A one-line double-quoted scalar (a `"` in a comment or another scalar is caught when the shape is checked). */
const QUOTED = /"(?:[^"\\\n]|\\.)*"/g;
const PLACEHOLDER = /^\u0001(\d+)$/; // eslint-disable-line no-control-regex
/** What js-yaml refuses or reads apart from JSON (PATTERN_NON_PRINTABLE, NUL, tab, CR, BOM), anywhere. */
// eslint-disable-next-line no-control-regex
const OUTSIDE = /[\x00-\x09\x0B-\x1F\x7F-\x84\x86-\x9F\uFEFF\uFFFE\uFFFF]|[\uD800-\uDFFF]/;

interface Shape {
  docs: readonly unknown[];
}

const shapes = new Map<string, Shape | null>();
const SHAPES_MAX_CHARS = 8 * 2 ** 20;
let shapeChars = 0;

class Unshaped extends Error {}

/** js-yaml's `loadAll(text)` by way of its shape, or undefined when that is not sure to give the same. */
export function loadAllByShape(text: string): unknown[] | undefined {
  if (OUTSIDE.test(text)) return undefined;
  const values: string[] = [];
  let shapeText: string;
  try {
    shapeText = text.replace(QUOTED, (literal) => `"\\u0001${values.push(JSON.parse(literal) as string) - 1}"`);
  } catch {
    return undefined; // an escape JSON does not have
  }
  if (values.length === 0) return undefined;
  let shape = shapes.get(shapeText);
  if (shape === undefined) {
    shape = shapeOf(shapeText, values.length);
    if (shapeChars + shapeText.length > SHAPES_MAX_CHARS) {
      shapes.clear();
      shapeChars = 0;
    }
    shapes.set(shapeText, shape);
    shapeChars += shapeText.length;
  }
  if (!shape) return undefined;
  try {
    return shape.docs.map((d) => fill(d, values));
  } catch (error) {
    if (error instanceof Unshaped) return undefined;
    throw error;
  }
}

/** The parsed shape, when each placeholder is a whole key or value exactly once and all else is plain data. */
function shapeOf(shapeText: string, count: number): Shape | null {
  let docs: unknown[];
  try {
    docs = yaml.loadAll(shapeText);
  } catch {
    return null;
  }
  const seen = new Array<number>(count).fill(0);
  const visit = (v: unknown): boolean => {
    if (typeof v === "string") return placeholder(v, seen);
    if (v === null || typeof v !== "object") return true;
    if (Array.isArray(v)) return v.every(visit);
    if (Object.getPrototypeOf(v) !== Object.prototype) return false; // a Date, a binary...
    return Object.entries(v).every(([k, x]) => placeholder(k, seen) && visit(x));
  };
  return docs.every(visit) && seen.every((n) => n === 1) ? { docs } : null;
}

function placeholder(s: string, seen: number[]): boolean {
  if (!s.includes("\u0001")) return true;
  const m = PLACEHOLDER.exec(s);
  if (!m || Number(m[1]) >= seen.length) return false;
  seen[Number(m[1])]!++;
  return true;
}

function fill(v: unknown, values: readonly string[]): unknown {
  if (typeof v === "string") return v.charCodeAt(0) === 1 ? values[Number(v.slice(1))] : v;
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((x) => fill(x, values));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const key = k.charCodeAt(0) === 1 ? values[Number(k.slice(1))]! : k;
    // js-yaml refuses a duplicate key and sets __proto__ its own way: the text's own parse says.
    if (key === "__proto__" || Object.hasOwn(out, key)) throw new Unshaped();
    out[key] = fill(x, values);
  }
  return out;
}
