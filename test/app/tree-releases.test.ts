// The objects digest reads the tree's HelmReleases from the Flux model's build instead of
// starting kustomize: for every shipped environment they must be the releases the real kustomize
// build gives (names, chart pins, values), and a tree the model does not understand is left to
// kustomize.
import { describe, expect, it } from "vitest";
import { resolveReleases } from "../../src/app/render-kubernetes.js";
import { modelReleases } from "../../src/app/tree-releases.js";
import { ENV_NAMES, loadEnv, render } from "../render/gitops/support.js";

describe("modelReleases", () => {
  it.each(ENV_NAMES)(
    "gives %s's releases as kustomize builds them",
    async (name) => {
      const env = loadEnv(name);
      const tree = await render(env);
      const model = modelReleases(env, tree);
      const built = (await resolveReleases(env, tree, {})).releases;
      expect(model).toBeDefined();
      expect(built.length).toBeGreaterThan(10);
      const byName = <T extends { namespace: string; name: string }>(rs: T[]) =>
        [...rs].sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
      expect(byName(model!)).toEqual(byName(built));
    },
    60_000,
  );

  it("leaves a kustomization it does not understand to kustomize", async () => {
    const env = loadEnv("dev");
    const tree = await render(env);
    const path = [...tree.keys()].find((p) => p.endsWith("/applications/kustomization.yaml"))!;
    tree.set(path, `${tree.get(path)!}namePrefix: x-\n`);
    expect(modelReleases(env, tree)).toBeUndefined();
  });
});
