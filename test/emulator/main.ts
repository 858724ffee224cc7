// Runs the emulator on its own so a person can point the CLI at it:
//   npx tsx test/emulator/main.ts [--port 8443]
// then paste the printed exports into another shell. Stops on Ctrl+C.
import { parseArgs } from "node:util";
import { AzureEmulator } from "./emulator.js";

const { values } = parseArgs({ options: { port: { type: "string", default: "0" } } });
const emulator = await AzureEmulator.start({ port: Number(values.port) });
// A gentle default: deployments and what-ifs take a few seconds, Flux turns Compliant on its second read.
emulator.script({
  deployment: { runningPolls: 3, retryAfterSeconds: 2 },
  whatIf: { pendingPolls: 1, retryAfterSeconds: 1 },
  flux: { "*": { nonCompliantReads: 1, commit: "main/0000000000000000000000000000000000000000", kustomizations: ["infra", "apps"] } },
});

console.log(`Azure emulator listening on ${emulator.url}\n`);
for (const [name, value] of Object.entries(emulator.env())) console.log(`export ${name}='${value}'`);
console.log("\nCtrl+C to stop.");

const shutdown = (): void => {
  void emulator.stop().then(() => process.exit(0));
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
