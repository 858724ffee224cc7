// Reads the Handlebars templates shipped with the toolkit (bicep/templates, helm-values),
// found relative to the package root whether running from src/ or from a bundle in dist/.
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { TemplateSources } from "../render/template-runtime.js";

export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "bicep")) && existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`cannot find the codemie-gitops package root above ${from}`);
  }
}

/** Where the Handlebars templates are, from the package root. */
export const TEMPLATE_FOLDERS = ["bicep/templates", "helm-values"];

/** Every *.hbs file under the given folders of the package, keyed by path relative to the root. */
export function readTemplates(folders: string[], root = packageRoot()): Promise<TemplateSources> {
  return readPackageFiles(folders, (name) => name.endsWith(".hbs"), root);
}

/** The toolkit's templates and the static Bicep files copied beside every rendered main.bicep. */
export async function readToolkit(
  root = packageRoot(),
): Promise<{ templates: TemplateSources; bicepFiles: TemplateSources }> {
  const [templates, bicepFiles] = await Promise.all([readTemplates(TEMPLATE_FOLDERS, root), readBicepFiles(root)]);
  return { templates, bicepFiles };
}

/** The static Bicep modules and bicepconfig.json, copied beside every rendered main.bicep. */
export async function readBicepFiles(root = packageRoot()): Promise<TemplateSources> {
  const [modules, config] = await Promise.all([
    readPackageFiles(["bicep/modules"], (name) => name.endsWith(".bicep"), root),
    readFile(join(root, "bicep/bicepconfig.json"), "utf8"),
  ]);
  return { ...modules, "bicep/bicepconfig.json": config };
}

export async function readPackageFiles(
  folders: string[],
  include: (name: string) => boolean,
  root = packageRoot(),
): Promise<TemplateSources> {
  const out: Record<string, string> = {};
  for (const folder of folders) {
    const entries = await readdir(join(root, folder), { recursive: true, withFileTypes: true });
    for (const e of entries) {
      if (!e.isFile() || !include(e.name)) continue;
      const path = join(e.parentPath, e.name);
      out[relative(root, path).split("\\").join("/")] = await readFile(path, "utf8");
    }
  }
  return out;
}
