// Escaping for the languages we render. Every user value reaches a template through one of
// these, so no value can change the structure of the output (see engine.ts).

// eslint-disable-next-line no-control-regex
const NEEDS_BICEP_ESCAPE = /[\\'\u0000-\u001f\u007f]|\$\{/;

/** A Bicep single-quoted string literal: backslash, quote, interpolation and control characters escaped. */
export function bicepString(value: string): string {
  // Most values need no escape: one scan instead of seven replacements.
  if (!NEEDS_BICEP_ESCAPE.test(value)) return `'${value}'`;
  const escaped = value
    .replace(/\\/g, "\\\\")
    .replace(/'/g, "\\'")
    .replace(/\$\{/g, "\\${")
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r")
    .replace(/\t/g, "\\t")
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
  return `'${escaped}'`;
}

/**
 * A YAML scalar. Strings become JSON strings, which YAML reads as double-quoted scalars, so
 * quotes, colons, "#", newlines and YAML 1.1 words like `yes` or `on` stay plain text.
 */
export function yamlScalar(value: unknown): string {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "boolean") return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  throw new TypeError(`cannot render ${value === null ? "null" : typeof value} as a YAML scalar`);
}

/** A Bicep literal of a number, boolean or string. */
export function bicepLiteral(value: unknown): string {
  if (typeof value === "number" && Number.isInteger(value)) return String(value);
  if (typeof value === "boolean") return String(value);
  if (typeof value === "string") return bicepString(value);
  throw new TypeError(`cannot render ${value === null ? "null" : typeof value} as a Bicep literal`);
}

/** A Bicep literal of a scalar, or of arrays and objects of them, on one line. */
export function bicepValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(bicepValue).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).map(([k, v]) => `${bicepKey(k)}: ${bicepValue(v)}`);
    return entries.length > 0 ? `{ ${entries.join(", ")} }` : "{}";
  }
  return bicepLiteral(value);
}

/** Text inside a line comment: control characters (a newline would end the comment) become spaces. */
export function commentText(value: unknown): string {
  return String(value).replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, " "); // eslint-disable-line no-control-regex
}

/** An object key in Bicep: bare when it is an identifier (the linter prefers that), quoted otherwise. */
export function bicepKey(value: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(value) ? value : bicepString(value);
}

/**
 * Text from outside (a file, git, ARM) as inline Markdown that stays text: HTML characters become
 * entities and every Markdown punctuation (links, images, emphasis, code spans, table pipes,
 * @mentions, #references, autolinks' colons) is backslash-escaped; line breaks become spaces.
 */
export function markdownText(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\\`*_{}[\]()#+!|~:@]/g, (c) => `\\${c}`)
    .replace(/\r?\n|\r/g, " ");
}

/**
 * Text from outside as a fenced code block: the fence is longer than any backtick run inside, so the text cannot close
 * it.
 */
export function markdownCodeBlock(value: string, lang = "text"): string {
  const longest = Math.max(2, ...[...value.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  return `${ticks}${lang}\n${value.replace(/\r\n?/g, "\n")}\n${ticks}`;
}

/** Text from outside as an inline code span (HTML is literal there): backticks and table pipes cannot end it early. */
export function markdownCode(value: string): string {
  return `\`${value
    .replace(/`/g, "'")
    .replace(/\|/g, "\\|")
    .replace(/\r?\n|\r/g, " ")}\``;
}
