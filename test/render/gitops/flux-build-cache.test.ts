// The Flux model keeps the parse of a file by its text after the generated-by header, so a run
// over many environments parses a file shared by all of them once. What a build returns must be
// what parsing that file's own text gives, whatever was parsed before it.
import { describe, expect, it } from "vitest";
import { buildDirectory } from "../../../src/render/gitops/flux-model/build.js";

const KUSTOMIZATION = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ns.yaml\n";
const namespace = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;
const tree = (header: string, body: string) =>
  new Map([
    ["env/kustomization.yaml", KUSTOMIZATION],
    ["env/ns.yaml", `${header}\n${body}`],
  ]);

describe("buildDirectory's parse of a file seen before", () => {
  it("gives the objects of the same text under another header, frozen so no caller can change them", () => {
    const first = buildDirectory(tree("# Generated from environments/a.yaml.", namespace("codemie")), "env");
    const second = buildDirectory(tree("# Generated from environments/b.yaml.", namespace("codemie")), "env");
    expect(first.problems).toEqual([]);
    expect(second.objects).toEqual([{ apiVersion: "v1", kind: "Namespace", metadata: { name: "codemie" } }]);
    expect(second.objects[0]).toBe(first.objects[0]);
    expect(Object.isFrozen(second.objects[0]!.metadata)).toBe(true);
    expect(() => {
      (second.objects[0]!.metadata as { name: string }).name = "changed";
    }).toThrow(TypeError);
  });

  it("parses a different text afresh", () => {
    buildDirectory(tree("# a", namespace("one")), "env");
    expect(buildDirectory(tree("# a", namespace("two")), "env").objects[0]!.metadata.name).toBe("two");
  });

  it("reports a broken file at its own line, after any header, each time", () => {
    const broken = "apiVersion: v1\nkind: [Namespace\n";
    for (const header of ["# one header", "# another header\n# and a second line"]) {
      const lines = header.split("\n").length;
      const built = buildDirectory(tree(header, broken), "env");
      expect(built.objects).toEqual([]);
      expect(built.problems).toHaveLength(1);
      expect(built.problems[0]).toMatch(new RegExp(`^env/ns\\.yaml: .*\\(${lines + 3}:`));
    }
  });
});

describe("buildDirectory's parse of a file of several documents", () => {
  const two = (second: string) => `# header\n${namespace("one")}---\n${namespace(second)}`;

  it("gives each document of its own text when another file shared some of them", () => {
    expect(buildDirectory(tree("# a", two("two")), "env").objects.map((o) => o.metadata.name)).toEqual(["one", "two"]);
    expect(buildDirectory(tree("# b", two("three")), "env").objects.map((o) => o.metadata.name)).toEqual([
      "one",
      "three",
    ]);
  });

  it("reports a broken document at the file's own line", () => {
    const built = buildDirectory(tree("# a", `${namespace("one")}---\napiVersion: v1\nkind: [Namespace\n`), "env");
    expect(built.problems).toHaveLength(1);
    expect(built.problems[0]).toMatch(/^env\/ns\.yaml: .*\(9:1\)$/); // where the whole text fails
  });

  it("parses a text with directives or document ends whole", () => {
    const text = `%YAML 1.2\n---\n${namespace("one")}...\n---\n${namespace("two")}`;
    expect(buildDirectory(tree("# a", text), "env").objects.map((o) => o.metadata.name)).toEqual(["one", "two"]);
  });
});
