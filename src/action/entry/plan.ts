// Entry point of actions/plan (bundled to actions/plan/dist/index.js).
import { runAction } from "../run.js";
import { planAction } from "../plan.js";

await runAction(planAction);
