// Entry point of actions/deploy (bundled to actions/deploy/dist/index.js).
import { runAction } from "../run.js";
import { deployAction } from "../deploy.js";

await runAction(deployAction);
