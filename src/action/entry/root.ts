// Entry point of the root action (action.yml), bundled to actions/dist/index.js.
import { runCommandAction } from "../root.js";
import { runAction } from "../run.js";

await runAction(async () => {
  await runCommandAction(new URL("../", import.meta.url));
  return Number(process.exitCode ?? 0);
});
