// Handlebars with a closed set of escaping helpers. Templates hold layout; every value goes
// through `bicep`, `bicepValue`, `yaml`, `json` or `comment`, never through a bare {{value}} (which Handlebars would
// HTML-escape, wrong for both languages). `assertSafeTemplate` enforces that rule: on every template
// compiled here and on every template the build precompiles, and a test runs it over every shipped
// template. The bundles render with the precompiled templates alone (template-runtime.ts).
import Handlebars from "handlebars";
import {
  COMPILE_OPTIONS,
  engineOver,
  withHelpers,
  type RenderTemplate,
  type TemplateSources,
} from "./template-runtime.js";

export type { RenderTemplate, TemplateSources } from "./template-runtime.js";

/** Helpers a mustache may call; the escaping ones are the only way to print a value. */
const ESCAPING_HELPERS = new Set(["bicep", "bicepValue", "bicepKey", "yaml", "json", "comment"]);
const BLOCK_HELPERS = new Set(["if", "unless", "each", "with"]);

/** Compiles template sources at run time (each on its first use), after checking every one. */
export function createEngine(sources: TemplateSources): RenderTemplate {
  const hb = withHelpers(Handlebars.create());
  const compiled = new Map<string, HandlebarsTemplateDelegate>();
  for (const [name, source] of Object.entries(sources)) {
    assertSafeTemplate(name, source);
    compiled.set(name, hb.compile(source, COMPILE_OPTIONS));
  }
  return engineOver(hb, compiled);
}

/**
 * Each template's Handlebars template specification as JavaScript source, compiled with the options
 * `createEngine` uses, after checking every one (the build writes these into the bundles).
 */
export function precompileTemplates(sources: TemplateSources): Record<string, string> {
  const specs: Record<string, string> = {};
  for (const [name, source] of Object.entries(sources)) {
    assertSafeTemplate(name, source);
    specs[name] = String(Handlebars.precompile(source, COMPILE_OPTIONS));
  }
  return specs;
}

/** Throws when a template prints a value without an escaping helper. */
export function assertSafeTemplate(name: string, source: string): void {
  const visit = (node: hbs.AST.Node): void => {
    if (node.type === "MustacheStatement") {
      const m = node as hbs.AST.MustacheStatement;
      const helper = m.path.type === "PathExpression" ? (m.path as hbs.AST.PathExpression).original : "";
      if (!ESCAPING_HELPERS.has(helper) || m.params.length !== 1) {
        throw new Error(
          `${name}:${m.loc.start.line}: print values with {{bicep x}}, {{yaml x}} ` +
            `or {{json x}}, not {{${helper}${m.params.length ? " …" : ""}}}`,
        );
      }
      if (!m.escaped) throw new Error(`${name}:${m.loc.start.line}: triple-stash {{{…}}} is not allowed`);
    }
    if (node.type === "BlockStatement") {
      const b = node as hbs.AST.BlockStatement;
      const helper = (b.path as hbs.AST.PathExpression).original;
      if (!BLOCK_HELPERS.has(helper)) throw new Error(`${name}:${b.loc.start.line}: unknown block helper #${helper}`);
      b.program.body.forEach(visit);
      b.inverse?.body.forEach(visit);
    }
  };
  Handlebars.parse(source).body.forEach(visit);
}
