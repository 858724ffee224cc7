// What rendering needs once templates are compiled: Handlebars' runtime (no parser, no compiler),
// the escaping helpers and the partials. The bundles carry their templates precompiled by the
// build (scripts/build.js), checked there by `assertSafeTemplate` (engine.ts), so a start neither
// loads the compiler nor parses a template.
import HandlebarsRuntime from "handlebars/runtime.js";
import type Handlebars from "handlebars";
import { bicepKey, bicepLiteral, bicepValue, commentText, yamlScalar } from "./escape.js";

export type TemplateSources = Readonly<Record<string, string>>;
export type RenderTemplate = (name: string, context: object) => string;
export type TemplateSpec = Parameters<typeof Handlebars.template>[0];
type Environment = typeof Handlebars;

/** Templates compiled by the build: each name's Handlebars template specification. */
export class PrecompiledTemplates {
  constructor(readonly specs: Readonly<Record<string, TemplateSpec>>) {}
}

/** The helpers `withHelpers` registers. */
const HELPERS = ["bicep", "bicepValue", "yaml", "json", "bicepKey", "comment", "eq"] as const;

/**
 * The options every template is compiled with, at run time or by the build. Naming the helpers (and
 * only them) lets the compiler call each directly instead of looking it up at every use.
 */
export const COMPILE_OPTIONS = {
  strict: true,
  noEscape: false,
  preventIndent: true,
  knownHelpers: Object.fromEntries(HELPERS.map((h) => [h, true])),
  knownHelpersOnly: true,
} as const;

/** An environment with the helpers a template may call; the escaping ones are the only way to print a value. */
export function withHelpers(hb: Environment): Environment {
  const safe = (text: string) => new hb.SafeString(text);
  const helpers: Record<(typeof HELPERS)[number], Handlebars.HelperDelegate> = {
    bicep: (v: unknown) => safe(bicepLiteral(v)),
    bicepValue: (v: unknown) => safe(bicepValue(v)),
    yaml: (v: unknown) => safe(yamlScalar(v)),
    json: (v: unknown) => safe(JSON.stringify(v)),
    bicepKey: (v: unknown) => safe(bicepKey(String(v))),
    comment: (v: unknown) => safe(commentText(v)),
    eq: (a: unknown, b: unknown) => a === b,
  };
  for (const name of HELPERS) hb.registerHelper(name, helpers[name]);
  return hb;
}

/** Renders by name; files under a partials/ folder are also {{> name}} (base name, no extension). */
export function engineOver(hb: Environment, compiled: ReadonlyMap<string, HandlebarsTemplateDelegate>): RenderTemplate {
  for (const [name, template] of compiled) {
    if (name.includes("partials/"))
      hb.registerPartial(name.replace(/^.*partials\//, "").replace(/\..*$/, ""), template);
  }
  return (name, context) => {
    const template = compiled.get(name);
    if (!template) throw new Error(`no template named ${name}`);
    return template(context);
  };
}

export function precompiledEngine(templates: PrecompiledTemplates): RenderTemplate {
  // The runtime's declaration file declares nothing; its object is the full library's runtime part.
  const hb = withHelpers((HandlebarsRuntime as unknown as Environment).create());
  return engineOver(hb, new Map(Object.entries(templates.specs).map(([name, spec]) => [name, hb.template(spec)])));
}
