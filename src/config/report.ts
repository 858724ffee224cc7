// What a check is given: a way to report at a field, and whether the fields it reads are valid.
import type { Severity } from "./diagnostics.js";
import type { Path } from "./repair.js";

export type Report = (severity: Severity, path: (string | number)[], message: string, prefer?: "key" | "value") => void;

/** Whether every field a check reads was written validly (or defaulted); see repair.ts. */
export type Valid = (...paths: Path[]) => boolean;
