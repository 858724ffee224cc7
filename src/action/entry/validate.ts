// Entry point of actions/validate (bundled to actions/validate/dist/index.js).
import { runAction } from "../run.js";
import { validateAction } from "../validate.js";

await runAction(validateAction);
