// Parses an environment file with source positions, so every later diagnostic can point at
// the exact key or value. Hostile input is bounded: file size, nesting depth and alias
// expansion all have limits, and duplicate keys, tags and multiple documents are rejected.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import { dotted, type Diagnostic } from "./diagnostics.js";
import { readPlainYaml } from "./plain-yaml.js";

export const LIMITS = { maxBytes: 256 * 1024, maxDepth: 24, maxAliases: 64 } as const;

type PathSegment = string | number;

export interface Position {
  line: number;
  column: number;
}

export interface YamlSource {
  file: string;
  data: Record<string, unknown>;
  /** Position of the key (or sequence item) at `path`; falls back to the nearest ancestor present. */
  locate(path: readonly PathSegment[], prefer?: "key" | "value"): Position;
}

export interface ParseResult {
  source?: YamlSource;
  diagnostics: Diagnostic[];
}

const CONTROL_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f]|[\n\t]/; // eslint-disable-line no-control-regex

/** A positioned error of `file`. */
const errorAt =
  (file: string) =>
  (pos: Position, message: string, path = ""): Diagnostic => ({ file, ...pos, severity: "error", path, message });

export function parseYamlSource(file: string, text: string): ParseResult {
  const at = errorAt(file);
  if (Buffer.byteLength(text, "utf8") > LIMITS.maxBytes) {
    return {
      diagnostics: [
        at(
          { line: 1, column: 1 },
          `file is larger than ${LIMITS.maxBytes / 1024} KiB; an environment file is a few kilobytes`,
        ),
      ],
    };
  }
  // Most files are in the plain subset: read it fast, and build positions only when asked for one.
  const plain = readPlainYaml(text);
  if (plain) {
    let full: YamlSource | undefined;
    const locate: YamlSource["locate"] = (path, prefer) => {
      full ??= parseWithPositions(file, text).source;
      if (!full) throw new Error(`${file}: the plain YAML reader accepted a file the full parser refuses`);
      return full.locate(path, prefer);
    };
    return { source: { file, data: plain, locate }, diagnostics: [] };
  }
  return parseWithPositions(file, text);
}

/** `parseYamlSource` by the full parser, positions built (the plain subset's reader skips them). */
export function parseWithPositions(file: string, text: string): ParseResult {
  const at = errorAt(file);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true, version: "1.2" });
  const pos = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    // Later syntax errors are almost always echoes of the first; report the cause only.
    const first = problems.sort((a, b) => a.pos[0] - b.pos[0])[0]!;
    return { diagnostics: [at(pos(first.pos[0]), yamlMessage(first.code, first.message))] };
  }
  const root = doc.contents;
  if (!root || (isScalar(root) && root.value === null)) {
    return {
      diagnostics: [
        at({ line: 1, column: 1 }, "file is empty; expected a mapping with at least `azure`, `network` and `gitops`"),
      ],
    };
  }
  if (!isMap(root)) {
    return {
      diagnostics: [
        at(pos(root.range?.[0] ?? 0), "the document must be a mapping of keys to values, not a list or a scalar"),
      ],
    };
  }
  const diagnostics = checkNodes(root, 0, [], (node, message, path) => at(pos(node.range?.[0] ?? 0), message, path));
  if (diagnostics.length > 0) return { diagnostics };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: LIMITS.maxAliases });
  } catch {
    return {
      diagnostics: [
        at(
          { line: 1, column: 1 },
          `aliases expand to too many nodes (limit ${LIMITS.maxAliases}); write the values out instead`,
        ),
      ],
    };
  }
  return { source: { file, data: data as Record<string, unknown>, locate: locator(doc, pos) }, diagnostics: [] };
}

/** Depth, key types, tags and string contents: what the YAML parser accepts but we do not. */
function checkNodes(
  node: unknown,
  depth: number,
  path: PathSegment[],
  report: (node: Node, message: string, path: string) => Diagnostic,
): Diagnostic[] {
  const where = dotted(path);
  if (isAlias(node)) return [];
  if (!isMap(node) && !isSeq(node) && !isScalar(node)) return [];
  if (depth > LIMITS.maxDepth)
    return [report(node, `nesting deeper than ${LIMITS.maxDepth} levels is not allowed`, where)];
  if (node.tag && !node.tag.startsWith("tag:yaml.org,2002:")) {
    return [report(node, `YAML tag "${node.tag}" is not allowed; environment files hold plain values`, where)];
  }
  if (isScalar(node)) {
    if (typeof node.value === "string" && CONTROL_CHARS.test(node.value)) {
      const ch = CONTROL_CHARS.exec(node.value)![0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
      return [
        report(
          node,
          `${where || "value"} contains the control character U+${ch}; values must be a single line of printable text`,
          where,
        ),
      ];
    }
    return [];
  }
  if (isSeq(node)) return node.items.flatMap((item, i) => checkNodes(item, depth + 1, [...path, i], report));
  const out: Diagnostic[] = [];
  for (const pair of node.items) {
    if (!isPair(pair)) continue;
    const key = pair.key;
    if (!isScalar(key) || typeof key.value !== "string") {
      out.push(report(key as Node, "keys must be plain strings", where));
      continue;
    }
    out.push(...checkNodes(key, depth + 1, [...path, key.value], report));
    out.push(...checkNodes(pair.value, depth + 1, [...path, key.value], report));
  }
  return out;
}

function locator(doc: Document, pos: (offset: number) => Position) {
  return (path: readonly PathSegment[], prefer: "key" | "value" = "key"): Position => {
    let node: unknown = doc.contents;
    let best: Position = { line: 1, column: 1 };
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && p.key.value === seg);
        if (!pair) return best;
        best = pos((pair.key as Node).range?.[0] ?? 0);
        node = pair.value;
      } else if (isSeq(node) && typeof seg === "number" && node.items[seg]) {
        node = node.items[seg];
        best = pos((node as Node).range?.[0] ?? 0);
      } else {
        return best;
      }
    }
    if (prefer === "value" && node && (node as Node).range) return pos((node as Node).range![0]);
    return best;
  };
}

function yamlMessage(code: string, message: string): string {
  const first = message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
  switch (code) {
    case "DUPLICATE_KEY":
      return "duplicate key; each key may appear once in a mapping";
    case "MULTIPLE_DOCS":
      return "the file holds more than one YAML document; an environment file is exactly one";
    case "TAB_AS_INDENT":
      return "tab used for indentation; YAML indents with spaces";
    case "TAG_RESOLVE_FAILED":
      return `YAML tag ${first.replace(/^.*: /, "")} is not allowed; environment files hold plain values`;
    default:
      return `YAML syntax: ${first.charAt(0).toLowerCase()}${first.slice(1)}`;
  }
}
