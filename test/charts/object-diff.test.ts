// The plan's object diff, through real git, the real kustomize, the real Helm and the real charts:
// prod published on a scratch GitOps branch, then a change of the API's replicas from 2 to 3
// shows exactly the Deployment's spec.replicas, and nothing else is templated or shown. The
// published branch is hostile: its links are never read, and a kustomization reaching outside
// the tree is refused before kustomize runs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitopsBranch } from "../../src/adapters/git/gitops-branch.js";
import { diffKubernetes } from "../../src/app/kubernetes-diff.js";
import { objectDiff } from "../../src/app/plan-objects.js";
import { loadEnvironment } from "../../src/app/load.js";
import { gitopsFiles } from "../../src/engine/rendered.js";
import { objectDiffMarkdown, objectDiffText } from "../../src/kubernetes/object-diff-format.js";
import { diffObjects, type KubernetesDiff } from "../../src/kubernetes/object-diff.js";
import type { Environment } from "../../src/model/environment.js";
import { gitopsRoot } from "../../src/render/gitops/render.js";
import { bareRemote, GIT_IDENTITY, type TempDir } from "../engine/support/git-repos.js";
import { render } from "../render/gitops/support.js";
import { pushEntries } from "../security/support.js";
import { ROOT, testCache } from "./support.js";
import { joinedRegExp } from "../support/regex.js";

const SLOW = 300_000;
const BRANCH = "gitops/prod";

function prod(extra = ""): Environment {
  const file = "environments/prod.yaml";
  const { env, diagnostics } = loadEnvironment(file, readFileSync(join(ROOT, file), "utf8") + extra);
  if (!env) throw new Error(JSON.stringify(diagnostics));
  return env;
}

let remote: TempDir;
let base: Environment;
const saved = { ...process.env };

beforeAll(async () => {
  Object.assign(process.env, GIT_IDENTITY);
  remote = bareRemote();
  base = prod();
  await branchOf(base).publish(gitopsFiles(await render(base)), { message: "deploy", expectedParent: undefined });
}, SLOW);
afterAll(() => {
  process.env = { ...saved };
  remote.dispose();
});

const branchOf = (env: Environment) => new GitopsBranch({ remote: remote.path, branch: BRANCH, root: gitopsRoot(env) });

/** What the plan does: preview the change against the branch, reading its files, then diff the objects. */
async function planned(env: Environment): Promise<KubernetesDiff> {
  const tree = await render(env);
  const changes = await branchOf(env).preview(gitopsFiles(tree), [], { published: true });
  if (!changes.published) throw new Error("the preview read no published files");
  return diffKubernetes(env, tree, changes.published, { repoRoot: ROOT, cache: testCache() });
}

describe("the plan's Kubernetes objects", () => {
  it(
    "shows API replicas 2 → 3 as exactly the Deployment's spec.replicas, through the real Helm and charts",
    { timeout: SLOW },
    async () => {
      const diff = await planned(prod("components:\n  api:\n    replicas: 3\n"));
      expect(diff).toMatchObject({ status: "compared", helmVersion: expect.stringMatching(/^v4\./) });
      if (diff.status !== "compared") throw new Error("not compared");
      expect(diff.releases).toEqual([
        {
          release: "flux-system/codemie-api",
          chart: "codemie 2.57.2",
          status: "changed",
          objects: [
            {
              change: "changed",
              object: { apiVersion: "apps/v1", kind: "Deployment", namespace: "codemie", name: "codemie" },
              fields: [{ path: "spec.replicas", before: "2", after: "3" }],
            },
          ],
          unchangedObjects: expect.any(Number),
        },
      ]);
      expect(diff.unchangedReleases).toBeGreaterThan(10);

      expect(objectDiffText(diff).join("\n")).toContain(
        "  flux-system/codemie-api (chart codemie 2.57.2): 1 changed\n    ~ " +
          "Deployment codemie/codemie\n        spec.replicas: 2 → 3",
      );
      const markdown = objectDiffMarkdown(diff).join("\n");
      expect(markdown).toContain(
        "<details><summary>flux-system/codemie-api &#40;chart codemie 2.57.2&#41;&#58; 1 changed</summary>",
      );
      expect(markdown).toContain("```diff\n~ Deployment codemie/codemie\n    spec.replicas: 2 → 3\n```");
    },
  );

  it(
    "templates nothing when only the tree's text differs, not what the charts receive",
    { timeout: SLOW },
    async () => {
      const env = prod();
      const tree = await render(env);
      const files = gitopsFiles(tree);
      const layers = `${gitopsRoot(env)}/layers.yaml`;
      files.set(layers, `${files.get(layers)!}# an edit by hand\n`);
      const diff = await diffKubernetes(env, tree, { files, refused: [] }, { repoRoot: ROOT, cache: testCache() });
      expect(diff).toMatchObject({ status: "compared", releases: [] });
    },
  );

  it(
    "reads no link of the published branch and builds no kustomization that reaches outside the tree",
    { timeout: SLOW },
    async () => {
      const root = gitopsRoot(base);
      pushEntries(remote.path, BRANCH, { [`${root}/data/stolen.yaml`]: { link: "/etc/passwd" } });
      const linked = await planned(prod("components:\n  api:\n    replicas: 3\n"));
      expect(linked).toEqual({
        status: "unavailable",
        reason:
          `the published branch holds "${root}/data/stolen.yaml", which is not a ` +
          `regular file; the toolkit reads nothing else from a branch`,
      });

      const env = prod();
      const tree = await render(env);
      const files = gitopsFiles(tree);
      const escape = new Map(files);
      escape.set(`${root}/data/kustomization.yaml`, "resources:\n  - ../../../../etc\n");
      expect(
        await diffKubernetes(env, tree, { files: escape, refused: [] }, { repoRoot: ROOT, cache: testCache() }),
      ).toEqual({
        status: "unavailable",
        reason:
          `the published branch does not build: refusing to build the tree: ${root}` +
          `/data/kustomization.yaml refers to "../../../../etc", which is not a ` +
          `file or directory of the tree`,
      });
      const remoteBase = new Map(files);
      remoteBase.set(`${root}/data/kustomization.yaml`, "resources:\n  - https://github.com/attacker/base\n");
      expect(
        await diffKubernetes(env, tree, { files: remoteBase, refused: [] }, { repoRoot: ROOT, cache: testCache() }),
      ).toMatchObject({
        status: "unavailable",
        reason: expect.stringContaining('refers to "https://github.com/attacker/base"'),
      });
      const plugin = new Map(files);
      plugin.set(`${root}/data/kustomization.yaml`, "resources: []\nhelmCharts:\n  - name: evil\n");
      expect(
        await diffKubernetes(env, tree, { files: plugin, refused: [] }, { repoRoot: ROOT, cache: testCache() }),
      ).toMatchObject({
        status: "unavailable",
        reason: expect.stringContaining("uses helmCharts, which the toolkit never writes"),
      });
    },
  );
});

describe("when the plan templates nothing", () => {
  it("says why: offline, branch unreadable, nothing changed, or a first deploy", async () => {
    const env = prod();
    const tree = await render(env);
    const files = [{ path: "clusters/prod/layers.yaml", change: "added" as const }];
    expect(await objectDiff(env, tree, { status: "skipped", branch: BRANCH, renderedFiles: 1 }, undefined)).toEqual({
      status: "skipped",
      reason: "offline plan: the published branch is not read, so there is nothing to render against",
    });
    expect(
      await objectDiff(env, tree, { status: "unavailable", branch: BRANCH, reason: "x", renderedFiles: 1 }, undefined),
    ).toEqual({ status: "skipped", reason: "the GitOps branch could not be read" });
    expect(
      await objectDiff(
        env,
        tree,
        { status: "compared", branch: BRANCH, base: "a".repeat(40), files: [], patch: "" },
        undefined,
      ),
    ).toMatchObject({ status: "skipped", reason: expect.stringContaining("already holds the rendered tree") });
    expect(
      await objectDiff(env, tree, { status: "compared", branch: BRANCH, files, patch: "" }, undefined),
    ).toMatchObject({ status: "skipped", reason: expect.stringContaining("does not exist yet") });
  });
});

describe("diffObjects", () => {
  const secret = (value: string) => ({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "s", namespace: "n" },
    data: { password: value },
  });
  const config = (text: string) => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "c", namespace: "n" },
    data: { "app.conf": text },
  });
  const deployment = (image: string) => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "d" },
    spec: {
      template: {
        spec: {
          containers: [
            { name: "side", image: "x" },
            { name: "app", image },
          ],
        },
      },
    },
  });

  it("names a changed Secret key but never its values", () => {
    expect(diffObjects([secret("b2xk")], [secret("bmV3")]).objects).toEqual([
      {
        change: "changed",
        object: { apiVersion: "v1", kind: "Secret", namespace: "n", name: "s" },
        fields: [{ path: "data.password", before: "(hidden)", after: "(hidden)" }],
      },
    ]);
  });

  it("matches list items by name, diffs multi-line text by line, and lists added and removed objects", () => {
    const { objects, unchanged } = diffObjects(
      [deployment("app:1"), config("a\nb\nc\n"), secret("x")],
      [deployment("app:2"), config("a\nB\nc\n"), { apiVersion: "v1", kind: "Service", metadata: { name: "new" } }],
    );
    expect(unchanged).toBe(0);
    expect(objects).toEqual([
      {
        change: "changed",
        object: expect.objectContaining({ kind: "ConfigMap" }),
        fields: [{ path: 'data["app.conf"]', lines: ["- b", "+ B"] }],
      },
      {
        change: "changed",
        object: expect.objectContaining({ kind: "Deployment" }),
        fields: [{ path: "spec.template.spec.containers[app].image", before: '"app:1"', after: '"app:2"' }],
      },
      { change: "removed", object: expect.objectContaining({ kind: "Secret" }), fields: [] },
      { change: "added", object: expect.objectContaining({ kind: "Service", name: "new" }), fields: [] },
    ]);
  });

  it("keeps text from a chart or a branch out of Markdown's reach", () => {
    const hostile: KubernetesDiff = {
      status: "compared",
      helmVersion: "v4.1.4",
      unchangedReleases: 0,
      releases: [
        {
          release: "flux-system/<img src=x>",
          chart: "**c** 1",
          status: "not-compared",
          reason: "```\n@everyone [x](https://evil)",
        },
      ],
    };
    const md = objectDiffMarkdown(hostile).join("\n");
    expect(md).toContain(
      "<summary>flux-system/&#60;img src&#61;x&#62; &#40;chart " +
        "&#42;&#42;c&#42;&#42; 1&#41;&#58; not compared</summary>",
    );
    expect(md).toContain("````diff\nnot compared: ```\n@everyone [x](https://evil)\n````");
  });

  it("keeps the Markdown section under its budget with a notice of what it left out", () => {
    const many: KubernetesDiff = {
      status: "compared",
      helmVersion: "v4.1.4",
      unchangedReleases: 0,
      releases: Array.from({ length: 40 }, (_, i) => ({
        release: `flux-system/r${i}`,
        chart: "c 1",
        status: "changed" as const,
        unchangedObjects: 0,
        objects: [
          {
            change: "changed" as const,
            object: { apiVersion: "v1", kind: "ConfigMap", name: `c${i}` },
            fields: Array.from({ length: 30 }, (_, j) => ({
              path: `data.k${j}`,
              before: "x".repeat(100),
              after: "y".repeat(100),
            })),
          },
        ],
      })),
    };
    const md = objectDiffMarkdown(many, 20_000).join("\n");
    expect(md.length).toBeLessThanOrEqual(20_000 + 200);
    expect(md).toMatch(
      joinedRegExp(
        /> \*\*Truncated\*\*: \d+ more release\(s\) render differently; `codemie-gitops plan --json` lists every /,
        /object\./,
      ),
    );
    expect(md.split("<details>").length - 1 + Number(/(\d+) more release/.exec(md)![1])).toBe(40);
  });
});
