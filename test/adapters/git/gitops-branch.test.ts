// The GitOps publisher against real git: temporary bare repositories as remotes, reached as a
// plain path and as a file:// URL.
import { readdirSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { GitopsBranch } from "../../../src/adapters/git/gitops-branch.js";
import { BranchMovedError } from "../../../src/engine/ports.js";
import {
  bareRemote,
  branchTip,
  commitCount,
  fileAt,
  filesAt,
  git,
  GIT_IDENTITY,
  pushFiles,
  type TempDir,
  tempDir,
} from "../../engine/support/git-repos.js";
import { pushEntries } from "../../security/support.js";

const BRANCH = "gitops/dev";
let remote: TempDir;
const saved = { ...process.env };

beforeEach(() => {
  remote = bareRemote();
  Object.assign(process.env, GIT_IDENTITY);
});
afterEach(() => {
  remote.dispose();
  process.env = { ...saved };
});

const branch = (url = remote.path): GitopsBranch =>
  new GitopsBranch({ remote: url, branch: BRANCH, root: "clusters/dev" });
const tree = (files: Record<string, string>): Map<string, string> => new Map(Object.entries(files));
const first = tree({
  "clusters/dev/kustomization.yaml": "resources: [layers.yaml]\n",
  "clusters/dev/layers.yaml": "kind: Kustomization\n",
});

describe("GitopsBranch", () => {
  test("creates the branch on the first publish and names the source commit", async () => {
    const gitops = branch();
    await expect(gitops.head()).resolves.toBeUndefined();

    const result = await gitops.publish(first, {
      message: "Deploy dev from a1b2c3d\n\nsource commit a1b2c3d4",
      expectedParent: undefined,
    });

    expect(result).toMatchObject({
      status: "published",
      parent: undefined,
      files: [
        { path: "clusters/dev/kustomization.yaml", change: "added" },
        { path: "clusters/dev/layers.yaml", change: "added" },
      ],
    });
    expect(branchTip(remote.path, BRANCH)).toBe(result.commit);
    expect(git(remote.path, "log", "-1", "--format=%s|%an", BRANCH)).toBe("Deploy dev from a1b2c3d|Test Author");
    await expect(gitops.head()).resolves.toBe(result.commit);
  });

  test("reads one file at the tip together with the tip; nothing for a missing branch or file", async () => {
    const gitops = branch();
    await expect(gitops.readAtTip("clusters/dev/layers.yaml")).resolves.toBeUndefined();
    const published = await gitops.publish(first, { message: "one", expectedParent: undefined });

    await expect(gitops.readAtTip("clusters/dev/layers.yaml")).resolves.toEqual({
      tip: published.commit,
      text: "kind: Kustomization\n",
    });
    await expect(gitops.readAtTip("clusters/dev/infra-outputs.yaml")).resolves.toEqual({
      tip: published.commit,
      text: undefined,
    });
    await expect(gitops.readAtTip("../etc/passwd")).rejects.toThrow("refusing to read ../etc/passwd");
  });

  test("makes no empty commit when the tree is unchanged", async () => {
    const gitops = branch(pathToFileURL(remote.path).href);
    const published = await gitops.publish(first, { message: "one", expectedParent: undefined });

    const again = await gitops.publish(first, { message: "two", expectedParent: published.commit });

    expect(again).toEqual({ status: "unchanged", commit: published.commit });
    expect(commitCount(remote.path, BRANCH)).toBe(1);
  });

  test("replaces the owned directory: stale files go, files outside it stay", async () => {
    const gitops = branch();
    await gitops.publish(first, { message: "one", expectedParent: undefined });
    const tip = pushFiles(remote.path, BRANCH, { "README.md": "kept\n", "clusters/dev/stale.yaml": "old\n" });

    const result = await gitops.publish(tree({ "clusters/dev/kustomization.yaml": "resources: []\n" }), {
      message: "two",
      expectedParent: tip,
    });

    expect(result).toMatchObject({
      status: "published",
      parent: tip,
      files: [
        { path: "clusters/dev/kustomization.yaml", change: "modified" },
        { path: "clusters/dev/layers.yaml", change: "deleted" },
        { path: "clusters/dev/stale.yaml", change: "deleted" },
      ],
    });
    expect(filesAt(remote.path, BRANCH)).toEqual(["README.md", "clusters/dev/kustomization.yaml"]);
  });

  test("refuses to publish over a branch that moved, and leaves it as it was", async () => {
    const gitops = branch();
    const published = await gitops.publish(first, { message: "one", expectedParent: undefined });
    const moved = pushFiles(remote.path, BRANCH, { "clusters/dev/layers.yaml": "someone else\n" });

    const refused = gitops.publish(tree({ "clusters/dev/kustomization.yaml": "x\n" }), {
      message: "two",
      expectedParent: published.commit,
    });

    await expect(refused).rejects.toBeInstanceOf(BranchMovedError);
    await expect(refused).rejects.toThrow(`moved from ${published.commit} to ${moved}`);
    expect(branchTip(remote.path, BRANCH)).toBe(moved);
    // Expecting a new branch where one exists is refused too.
    await expect(gitops.publish(first, { message: "three", expectedParent: undefined })).rejects.toBeInstanceOf(
      BranchMovedError,
    );
  });

  test("previews changes without committing, keeping preserved files", async () => {
    const gitops = branch();
    const none = await gitops.preview(first);
    expect(none).toMatchObject({ base: undefined, files: [{ change: "added" }, { change: "added" }] });

    await gitops.publish(tree({ ...Object.fromEntries(first), "clusters/dev/infra-outputs.yaml": "data: {}\n" }), {
      message: "one",
      expectedParent: undefined,
    });
    const tip = branchTip(remote.path, BRANCH);

    const changes = await gitops.preview(
      tree({
        "clusters/dev/kustomization.yaml": "resources: [infra-outputs.yaml]\n",
        "clusters/dev/layers.yaml": "kind: Kustomization\n",
      }),
      ["clusters/dev/infra-outputs.yaml"],
    );

    expect(changes.base).toBe(tip);
    expect(changes.files).toEqual([{ path: "clusters/dev/kustomization.yaml", change: "modified" }]);
    expect(changes.patch).toContain("-resources: [layers.yaml]\n+resources: [infra-outputs.yaml]");
    expect(branchTip(remote.path, BRANCH)).toBe(tip);
    expect(fileAt(remote.path, BRANCH, "clusters/dev/infra-outputs.yaml")).toBe("data: {}\n");
  });

  test("refuses paths outside the owned directory", async () => {
    const gitops = branch();
    await expect(
      gitops.publish(tree({ "README.md": "x" }), { message: "m", expectedParent: undefined }),
    ).rejects.toThrow("outside clusters/dev/");
    await expect(
      gitops.publish(tree({ "clusters/dev/../x": "x" }), { message: "m", expectedParent: undefined }),
    ).rejects.toThrow("outside clusters/dev/");
    await expect(
      gitops.publish(tree({ "clusters/dev/.git/config": "x" }), { message: "m", expectedParent: undefined }),
    ).rejects.toThrow("outside clusters/dev/");
    expect(branchTip(remote.path, BRANCH)).toBeUndefined();
  });

  test("keeps links and submodules outside the owned directory as the entries they are", async () => {
    const submodule = "1111111111111111111111111111111111111111";
    const tip = pushEntries(remote.path, BRANCH, {
      "README.md": { file: "kept\n" },
      "docs/guide": { link: "../elsewhere" },
      "vendor/lib": { submodule },
      "clusters/dev/stale.yaml": { file: "kind: ConfigMap\n" },
    });
    const outside = (): string => git(remote.path, "ls-tree", "-r", BRANCH, "README.md", "docs", "vendor");
    const before = outside();

    const result = await branch().publish(first, { message: "m", expectedParent: tip });

    expect(result).toMatchObject({ status: "published", parent: tip });
    expect(outside()).toBe(before);
    expect(before).toContain(`160000 commit ${submodule}\tvendor/lib`);
    expect(before).toMatch(/^120000 blob \w+\tdocs\/guide$/m);
    expect(filesAt(remote.path, BRANCH)).toEqual([
      "README.md",
      "clusters/dev/kustomization.yaml",
      "clusters/dev/layers.yaml",
      "docs/guide",
      "vendor/lib",
    ]);
  });

  test("one branch object runs its operations in one scratch repository, fetching a moved tip again", async () => {
    const scratch = tempDir("gitops-scratch-");
    try {
      const texts = { "clusters/dev/names.yaml": "name: Zoë — 日本\n", "clusters/dev/last.yaml": "no newline" };
      const tip = pushFiles(remote.path, BRANCH, { ...Object.fromEntries(first), ...texts, "README.md": "r\n" });
      const gitops = new GitopsBranch({
        remote: remote.path,
        branch: BRANCH,
        root: "clusters/dev",
        scratchParent: scratch.path,
      });

      // In parallel, as a plan asks: they queue on the one repository.
      const [preview, read, head] = await Promise.all([
        gitops.preview(first, [], { published: true }),
        gitops.readAtTip("clusters/dev/names.yaml"),
        gitops.head(),
      ]);
      expect(head).toBe(tip);
      expect(read).toEqual({ tip, text: texts["clusters/dev/names.yaml"] });
      expect(Object.fromEntries(preview.published?.files ?? [])).toEqual({ ...Object.fromEntries(first), ...texts });
      expect(preview.files.map((f) => f.change)).toEqual(["deleted", "deleted"]);
      expect(readdirSync(scratch.path).filter((d) => d.startsWith("codemie-gitops-branch-"))).toHaveLength(1);

      const moved = pushFiles(remote.path, BRANCH, { "README.md": "changed\n" });
      const published = await gitops.publish(first, { message: "m", expectedParent: moved });
      expect(published).toMatchObject({ status: "published", parent: moved });
      expect(fileAt(remote.path, BRANCH, "README.md")).toBe("changed\n");

      await gitops.close();
      expect(readdirSync(scratch.path)).toEqual([]);
    } finally {
      scratch.dispose();
    }
  });

  test("reports an unreachable remote as an error naming git's reason", async () => {
    const gitops = branch(`${remote.path}-missing`);
    await expect(gitops.head()).rejects.toThrow(
      /git ls-remote failed: .*(does not appear to be a git repository|not found|No such)/,
    );
  });
});
