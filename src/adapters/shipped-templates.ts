// The toolkit's Handlebars templates as a run renders them. From the TypeScript sources they are
// read from the package (and compiled on first use); the bundles replace this module with the
// templates the build precompiled and checked (scripts/build.js), so a start neither reads nor
// parses them.
import type { TemplateSet } from "../render/template-engine.js";
import { readTemplates, TEMPLATE_FOLDERS } from "./templates.js";

export function shippedTemplates(): Promise<TemplateSet> {
  return readTemplates(TEMPLATE_FOLDERS);
}
