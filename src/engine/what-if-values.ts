// A what-if value as one short, unambiguous piece of text: scalars as they are (strings bare when
// they cannot be mistaken for another type), arrays and objects summarised by size and first keys,
// long strings cut. A value under a secret-looking property, or one that contains a value the
// caller hides (a throwaway secret a plan was asked with), is never shown.

export interface ValueSecrecy {
  /** Exact values that must not appear, even inside a longer string. */
  hidden: ReadonlySet<string>;
}

export const HIDDEN_VALUE = "(hidden)";
const MAX_TEXT = 60;
const SHOWN_KEYS = 3;
/** Property names whose values are credentials wherever they occur. */
const SECRET_PATH =
  /password|secret|token|connectionstring|credential|accesskey|primarykey|secondarykey|sharedkey|apikey/i;
const BARE = /^[\w.\-/:@+]+$/;

function containsHidden(value: unknown, hidden: ReadonlySet<string>): boolean {
  if (hidden.size === 0) return false;
  if (typeof value === "string") return [...hidden].some((h) => h !== "" && value.includes(h));
  if (Array.isArray(value)) return value.some((v) => containsHidden(v, hidden));
  if (value !== null && typeof value === "object") return Object.values(value).some((v) => containsHidden(v, hidden));
  return false;
}

function cut(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

function scalarText(value: string | number | boolean | null): string {
  if (typeof value !== "string") return String(value);
  const looksLikeOther =
    value === "" || value === "null" || value === "true" || value === "false" || !Number.isNaN(Number(value));
  return cut(BARE.test(value) && !looksLikeOther ? value : JSON.stringify(value));
}

const isScalar = (v: unknown): v is string | number | boolean | null =>
  v === null || ["string", "number", "boolean"].includes(typeof v);

function summary(value: unknown): string {
  if (isScalar(value)) return scalarText(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    if (value.every(isScalar)) {
      const inline = `[${value.map(scalarText).join(", ")}]`;
      if (inline.length <= MAX_TEXT) return inline;
    }
    return `[${value.length} item${value.length === 1 ? "" : "s"}]`;
  }
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 0) return "{}";
    const more = keys.length > SHOWN_KEYS ? ", …" : "";
    return `{${keys.length} propert${keys.length === 1 ? "y" : "ies"}: ${keys.slice(0, SHOWN_KEYS).join(", ")}${more}}`;
  }
  return String(value);
}

export function displayValue(value: unknown, path: string, secrecy: ValueSecrecy): string {
  if (SECRET_PATH.test(path) || containsHidden(value, secrecy.hidden)) return HIDDEN_VALUE;
  return summary(value);
}
