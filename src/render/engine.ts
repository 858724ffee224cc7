// Handlebars with a closed set of escaping helpers. Templates hold layout; every value goes
// through `bicep`, `bicepValue`, `yaml`, `json` or `comment`, never through a bare {{value}} (which
// Handlebars would HTML-escape, wrong for both languages). `assertSafeTemplate` enforces that rule and a test
// runs it over every shipped template.
import Handlebars from "handlebars";
import { bicepKey, bicepLiteral, bicepValue, commentText, yamlScalar } from "./escape.js";

export type TemplateSources = Readonly<Record<string, string>>;
export type RenderTemplate = (name: string, context: object) => string;

/** Helpers a mustache may call; the escaping ones are the only way to print a value. */
const ESCAPING_HELPERS = new Set(["bicep", "bicepValue", "bicepKey", "yaml", "json", "comment"]);
const BLOCK_HELPERS = new Set(["if", "unless", "each", "with"]);

export function createEngine(sources: TemplateSources): RenderTemplate {
  const hb = Handlebars.create();
  hb.registerHelper("bicep", (v: unknown) => new hb.SafeString(bicepLiteral(v)));
  hb.registerHelper("bicepValue", (v: unknown) => new hb.SafeString(bicepValue(v)));
  hb.registerHelper("yaml", (v: unknown) => new hb.SafeString(yamlScalar(v)));
  hb.registerHelper("json", (v: unknown) => new hb.SafeString(JSON.stringify(v)));
  hb.registerHelper("bicepKey", (v: unknown) => new hb.SafeString(bicepKey(String(v))));
  hb.registerHelper("comment", (v: unknown) => new hb.SafeString(commentText(v)));
  hb.registerHelper("eq", (a: unknown, b: unknown) => a === b);
  const compiled = new Map<string, HandlebarsTemplateDelegate>();
  for (const [name, source] of Object.entries(sources)) {
    assertSafeTemplate(name, source);
    compiled.set(name, hb.compile(source, { strict: true, noEscape: false, preventIndent: true }));
  }
  // Files under a partials/ folder are also available as {{> name}} (base name, no extension).
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
