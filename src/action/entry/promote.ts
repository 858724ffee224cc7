// Entry point of actions/promote (bundled to actions/promote/dist/index.js).
import { runAction } from "../run.js";
import { promoteAction } from "../promote.js";

await runAction(promoteAction);
