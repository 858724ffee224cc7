// Every action.yml against GitHub's metadata rules for a JavaScript action, and against the
// inputs and outputs its code reads and writes; the root action against the actions it fronts.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { ACTIONS_END, ACTIONS_START, actionTablesMarkdown, type ActionMetadata } from "../../src/docs/action-tables.js";
import { DEPLOY_INPUTS, DEPLOY_OUTPUTS } from "../../src/action/deploy.js";
import { PLAN_INPUTS, PLAN_OUTPUTS } from "../../src/action/plan.js";
import { PROMOTE_INPUTS, PROMOTE_OUTPUTS } from "../../src/action/promote.js";
import { STATUS_INPUTS, STATUS_OUTPUTS } from "../../src/action/status.js";
import { VALIDATE_INPUTS, VALIDATE_OUTPUTS } from "../../src/action/validate.js";
import { ROOT } from "../support/cli.js";
import { actionDir, metadataOf, type ActionName } from "./support/run-action.js";

const COMMANDS = {
  validate: { inputs: VALIDATE_INPUTS, outputs: VALIDATE_OUTPUTS },
  plan: { inputs: PLAN_INPUTS, outputs: PLAN_OUTPUTS },
  deploy: { inputs: DEPLOY_INPUTS, outputs: DEPLOY_OUTPUTS },
  status: { inputs: STATUS_INPUTS, outputs: STATUS_OUTPUTS },
  promote: { inputs: PROMOTE_INPUTS, outputs: PROMOTE_OUTPUTS },
} as const;
const NAMES: ActionName[] = ["root", "validate", "plan", "deploy", "status", "promote"];

// docs.github.com, "Metadata syntax for GitHub Actions", for `runs.using: node24`.
const TOP_KEYS = ["name", "author", "description", "inputs", "outputs", "runs", "branding"];
const RUNS_KEYS = ["using", "main", "pre", "pre-if", "post", "post-if"];
const INPUT_KEYS = ["description", "required", "default", "deprecationMessage"];
const OUTPUT_KEYS = ["description"];

type Raw = Record<string, unknown> & {
  inputs?: Record<string, Record<string, unknown>>;
  outputs?: Record<string, Record<string, unknown>>;
  runs?: Record<string, unknown>;
};
const raw = (name: ActionName): Raw => metadataOf(name) as Raw;

describe.each(NAMES)("%s action.yml", (name) => {
  const meta = raw(name);

  test("has the required keys and no unknown ones", () => {
    expect(Object.keys(meta).filter((k) => !TOP_KEYS.includes(k))).toEqual([]);
    for (const key of ["name", "description", "runs"]) expect(meta[key], key).toBeTruthy();
    expect(typeof meta.name).toBe("string");
    expect(typeof meta.description).toBe("string");
  });

  test("runs the committed bundle on node24", () => {
    expect(Object.keys(meta.runs!).filter((k) => !RUNS_KEYS.includes(k))).toEqual([]);
    expect(meta.runs).toMatchObject({ using: "node24", main: expect.any(String) });
    expect(existsSync(join(actionDir(name), String(meta.runs!.main)))).toBe(true);
  });

  test("every input has a description; defaults are strings; required is a boolean", () => {
    for (const [input, spec] of Object.entries(meta.inputs ?? {})) {
      expect(input).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(
        Object.keys(spec).filter((k) => !INPUT_KEYS.includes(k)),
        input,
      ).toEqual([]);
      expect(typeof spec.description === "string" && spec.description.trim().length > 0, input).toBe(true);
      if ("default" in spec) expect(typeof spec.default, input).toBe("string");
      if ("required" in spec) expect(typeof spec.required, input).toBe("boolean");
    }
  });

  test("every output is declared with a description", () => {
    for (const [output, spec] of Object.entries(meta.outputs ?? {})) {
      expect(
        Object.keys(spec).filter((k) => !OUTPUT_KEYS.includes(k)),
        output,
      ).toEqual([]);
      expect(typeof spec.description === "string" && spec.description.trim().length > 0, output).toBe(true);
    }
  });
});

describe.each(Object.entries(COMMANDS))("actions/%s", (name, code) => {
  const meta = raw(name as ActionName);

  test("declares exactly the inputs its code reads and the outputs it writes", () => {
    expect(Object.keys(meta.inputs ?? {}).sort()).toEqual([...code.inputs].sort());
    expect(Object.keys(meta.outputs ?? {}).sort()).toEqual([...code.outputs].sort());
  });

  test("gives every optional input a default (the runner fills it in; the code keeps none)", () => {
    for (const [input, spec] of Object.entries(meta.inputs ?? {}))
      expect(spec.required === true || "default" in spec, input).toBe(true);
  });
});

describe("the root action", () => {
  const root = raw("root");
  const all = Object.values(COMMANDS);

  test("takes `command` plus every input of the actions it fronts, and declares all their outputs", () => {
    expect(root.inputs!.command).toMatchObject({ required: true });
    expect(new Set(Object.keys(root.inputs!))).toEqual(new Set(["command", ...all.flatMap((c) => c.inputs)]));
    expect(new Set(Object.keys(root.outputs!))).toEqual(new Set(all.flatMap((c) => c.outputs)));
  });

  test("declares only the defaults the runner must evaluate (expressions), the same as the actions'", () => {
    for (const [input, spec] of Object.entries(root.inputs!)) {
      if (input === "command") continue;
      const defaults = new Set(
        (Object.keys(COMMANDS) as ActionName[])
          .map((n) => raw(n).inputs?.[input]?.default)
          .filter((d) => d !== undefined),
      );
      const expression = [...defaults].filter((d) => String(d).includes("${{"));
      if (expression.length > 0) expect(spec.default, input).toBe(expression[0]);
      else expect("default" in spec, input).toBe(false);
    }
  });
});

test("docs/actions.md's tables of inputs and outputs are generated from the action.yml files", () => {
  const readme = readFileSync(join(ROOT, "docs/actions.md"), "utf8");
  const documented = (["root", "validate", "plan", "deploy", "status", "promote"] as ActionName[]).map(
    (n): [string, ActionMetadata] => [
      n === "root" ? "`action.yml` (root)" : `\`actions/${n}\``,
      metadataOf(n) as ActionMetadata,
    ],
  );
  const tables = actionTablesMarkdown(documented);
  expect(tables.startsWith(ACTIONS_START) && tables.endsWith(ACTIONS_END)).toBe(true);
  expect(readme).toContain(tables);
});
