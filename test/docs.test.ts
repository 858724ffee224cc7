// The README's component table is generated from the catalogue; this keeps it current.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { componentTableMarkdown } from "../src/docs/component-table.js";

it("README component table matches the catalogue", () => {
  const readme = readFileSync(join(import.meta.dirname, "../README.md"), "utf8");
  expect(readme).toContain(componentTableMarkdown());
});
