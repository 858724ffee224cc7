// The Azure emulator and the GitHub fake, started once per test file, and a fresh workspace (dev's
// environment file, committed, with the operator's secrets in the emulated vault) for each test:
// what every test of the bundled deploy action starts from.
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import type { AzureEmulator } from "../../emulator/emulator.js";
import { createWorkspace, dev, startEmulator, type Workspace } from "../../engine/support/harness.js";
import { GitHubFake } from "../../github-fake/server.js";
import { uploadOperatorSecrets } from "../../preflight/support/operator-secrets.js";

export interface DeployFixture {
  github: GitHubFake;
  emulator: AzureEmulator;
  ws: Workspace;
}

/** Registers the file's hooks; the fields are set before each test (the file's own beforeEach runs after these). */
export function deployFixture(): DeployFixture {
  const t = {} as DeployFixture;
  beforeAll(async () => {
    [t.github, t.emulator] = await Promise.all([GitHubFake.start(), startEmulator()]);
  });
  afterAll(async () => {
    await Promise.all([t.github.stop(), t.emulator.stop()]);
  });
  beforeEach(() => {
    t.emulator.reset();
    uploadOperatorSecrets(t.emulator, dev);
    t.github.deployments.length = 0;
    t.github.deployKeys.length = 0;
    t.github.requests.length = 0;
    t.ws = createWorkspace();
  });
  afterEach(() => t.ws.dispose());
  return t;
}
