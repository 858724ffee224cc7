// Runs the emulator on its own so a person can point the CLI at it and watch a whole deploy:
//   npm run emulator -- --gitops-remote /tmp/gitops.git [--port 8443] [--flux-reads 2]
//                       [--running-polls 3] [--retry-after 2] [--operator-secrets codemie-registry-key,codemie-tls]
// then paste the printed exports into another shell. Stops on Ctrl+C. Deployments report outputs
// synthesized from the template; Flux follows the GitOps repository (--gitops-remote, else
// CODEMIE_GITOPS_REMOTE), reporting its branch tip Non-Compliant for --flux-reads reads, then
// Compliant. The operator's secrets (--operator-secrets, comma-separated) appear in a Key Vault as
// soon as it exists, as if someone uploaded them.
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { AzureEmulator } from "./emulator.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    "gitops-remote": { type: "string" },
    "flux-reads": { type: "string", default: "2" },
    "running-polls": { type: "string", default: "3" },
    "retry-after": { type: "string", default: "2" },
    "operator-secrets": { type: "string", default: "codemie-registry-key,codemie-tls" },
  },
});

function count(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${flag} takes a whole number, not "${text}"`);
    process.exit(2);
  }
  return n;
}

const remote = values["gitops-remote"] ?? process.env.CODEMIE_GITOPS_REMOTE;
const emulator = await AzureEmulator.start({ port: Number(values.port) });
emulator.script({
  deployment: {
    runningPolls: count("running-polls", values["running-polls"]),
    retryAfterSeconds: count("retry-after", values["retry-after"]),
  },
  whatIf: { pendingPolls: 1, retryAfterSeconds: 1 },
  // The kustomization the rendered fluxConfiguration declares ("root"), as Flux names it.
  ...(remote
    ? {
        flux: {
          "*": {
            nonCompliantReads: count("flux-reads", values["flux-reads"]),
            repository: resolve(remote),
            kustomizations: ["root"],
          },
        },
      }
    : {}),
});

emulator.preflight.operatorUploads = values["operator-secrets"].split(",").filter((name) => name !== "");

console.log(`Azure emulator listening on ${emulator.url}\n`);
for (const [name, value] of Object.entries(emulator.env())) console.log(`export ${name}='${value}'`);
if (remote) {
  console.log(`export CODEMIE_GITOPS_REMOTE='${resolve(remote)}'`);
  console.log("# Flux here needs seconds, not the minutes of a real cluster: poll it (and ARM's floor) every second.");
  console.log("export CODEMIE_POLL_INTERVAL_MS='1000'");
} else {
  console.log("\n# No --gitops-remote: no fluxConfiguration exists, so a deploy waits for Flux until its --timeout.");
}
console.log("\nCtrl+C to stop.");

const shutdown = (): void => {
  void emulator.stop().then(() => process.exit(0));
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
