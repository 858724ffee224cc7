#!/usr/bin/env node
// Entry point installed as `codemie-gitops`; the bundle is built by `npm run build`.
import { run } from "../dist/cli.js";

await run();
