// The shapes the day-2 rules share (day2.ts and the rule files it calls).

/** A resource as ARM's GET returns it; undefined when it does not exist yet. */
export type ArmResource = Record<string, unknown> | undefined;

export interface Day2Refusal {
  /** The environment-file path (or setting) whose change cannot be carried out. */
  field: string;
  message: string;
}

/** A setting the deploy keeps as Azure has it, instead of the file's value: passed as a main-template parameter. */
export interface Day2Kept {
  field: string;
  parameter: string;
  value: unknown;
  message: string;
}
