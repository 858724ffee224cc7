// The templates and the Bicep compiler a render needs: a port, so a run opens the compiler only
// when an environment gets that far, and the real one from the package and the Bicep CLI.
import { openCompiler, type BicepCompiler } from "../adapters/bicep/session.js";
import { shippedTemplates } from "../adapters/shipped-templates.js";
import { readBicepFiles } from "../adapters/templates.js";
import type { Toolkit } from "./render-environment.js";

export interface Toolchain {
  toolkit(): Promise<Toolkit>;
  /** A compiler session; the caller closes it. */
  openCompiler(): Promise<BicepCompiler>;
}

export const packageToolchain: Toolchain = {
  toolkit: async () => {
    const [templates, bicepFiles] = await Promise.all([shippedTemplates(), readBicepFiles()]);
    return { templates, bicepFiles };
  },
  openCompiler: () => openCompiler(),
};
