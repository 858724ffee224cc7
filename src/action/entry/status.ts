// Entry point of actions/status (bundled to actions/status/dist/index.js).
import { runAction } from "../run.js";
import { statusAction } from "../status.js";

await runAction(statusAction);
