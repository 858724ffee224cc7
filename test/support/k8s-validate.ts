// The offline schema validation moved to src/kubernetes/schema.ts (the chart checks validate every rendered manifest
// with it).
export * from "../../src/kubernetes/schema.js";
