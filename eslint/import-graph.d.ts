// Types of import-graph.js for the TypeScript tests that read it.
export type ImportGraph = Map<string, string[]>;
export function importGraph(root: string, dir?: string): ImportGraph;
export function directoryGraph(graph: ImportGraph): ImportGraph;
export function cycles(graph: ImportGraph): string[][];
