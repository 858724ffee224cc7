// Helm is a real part: the pinned v4.1.4 is found (installed by scripts/install-helm.sh or on
// PATH), and a helm on PATH of another major version is passed over, never used.
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { locateHelm } from "../../src/adapters/helm/locate.js";
import { ROOT } from "./support.js";

describe("locateHelm", () => {
  it("finds Helm v4 (npm run setup installs v4.1.4)", async () => {
    const helm = await locateHelm(ROOT);
    expect(helm.version).toMatch(/^v4\./);
  });

  it("passes over a helm v3 on PATH and says where it looked when nothing fits", async () => {
    const bin = mkdtempSync(join(tmpdir(), "old-helm-"));
    writeFileSync(join(bin, "helm"), "#!/bin/sh\necho v3.16.0\n");
    chmodSync(join(bin, "helm"), 0o755);
    const empty = mkdtempSync(join(tmpdir(), "no-repo-"));
    await expect(locateHelm(empty, { PATH: bin })).rejects.toThrow(/helm \(v3\.16\.0, not v4\).*npm run setup/);
    const found = await locateHelm(ROOT, { PATH: bin });
    expect(found.source).toBe("installed");
  });

  it("says why a helm gave no version instead of calling it absent", async () => {
    const bin = mkdtempSync(join(tmpdir(), "broken-helm-"));
    writeFileSync(join(bin, "helm"), "#!/bin/sh\nexit 3\n");
    chmodSync(join(bin, "helm"), 0o755);
    const empty = mkdtempSync(join(tmpdir(), "no-repo-"));
    await expect(locateHelm(empty, { PATH: bin })).rejects.toThrow(/helm \(does not run: exit 3\).*\(absent\)/);
  });
});
