// A run that renders many environments renders most templates with the same context for each
// (a release's Flux objects, most values files). A render is a pure function of the template and
// its context, so one is kept by the JSON text of the context, for contexts whose JSON text
// identifies them exactly (the caller vouches for that), up to a bound on the text held.
import type { RenderTemplate } from "./engine.js";

const MAX_CHARS = 16 * 2 ** 20;

interface Memo {
  outputs: Map<string, string>;
  chars: number;
}

// One memo per engine: another template set renders the same name differently.
const memos = new WeakMap<RenderTemplate, Memo>();

/** `render(name, context)`, or what it returned for an earlier context of the same JSON text `json`. */
export function renderKept(render: RenderTemplate, name: string, context: object, json: string): string {
  let memo = memos.get(render);
  if (!memo) memos.set(render, (memo = { outputs: new Map(), chars: 0 }));
  const key = `${name}\n${json}`;
  const known = memo.outputs.get(key);
  if (known !== undefined) return known;
  const output = render(name, context);
  const size = key.length + output.length;
  // Emptied when full (the renders every environment shares come back with the next one).
  if (memo.chars + size > MAX_CHARS) {
    memo.outputs.clear();
    memo.chars = 0;
  }
  memo.outputs.set(key, output);
  memo.chars += size;
  return output;
}
