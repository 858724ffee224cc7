// Types of layers.js for the TypeScript tests that load the plugin.
import type { ESLint } from "eslint";
declare const plugin: ESLint.Plugin;
export default plugin;
