// The real kustomize runner moved to src/adapters/kustomize.ts (the chart checks build the tree with it too).
export * from "../../src/adapters/kustomize.js";
