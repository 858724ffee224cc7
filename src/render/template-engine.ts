// The engine for a set of templates. Sources are checked and compiled here (runs from the
// TypeScript sources, the tests); the bundles replace this module with one that takes only the
// templates the build precompiled (scripts/build.js), so no bundle loads the Handlebars compiler.
import { createEngine } from "./engine.js";
import {
  PrecompiledTemplates,
  precompiledEngine,
  type RenderTemplate,
  type TemplateSources,
} from "./template-runtime.js";

export type TemplateSet = TemplateSources | PrecompiledTemplates;

export function templateEngine(templates: TemplateSet): RenderTemplate {
  return templates instanceof PrecompiledTemplates ? precompiledEngine(templates) : createEngine(templates);
}
