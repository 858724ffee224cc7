// A chart directory as content: every file under it (subcharts included, links followed), by path
// relative to it and content, in a fixed order. The objects digest of a reviewed plan and the key
// of the `helm template` cache both stand on it: a chart republished under the same version must
// change both.
import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";

export async function chartDigest(dir: string): Promise<string> {
  const hash = createHash("sha256");
  const walk = async (rel: string): Promise<void> => {
    const entries = (await readdir(join(dir, rel), { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const e of entries) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      const s = e.isSymbolicLink() ? await stat(join(dir, path)) : e;
      if (s.isDirectory()) await walk(path);
      else if (s.isFile())
        hash
          .update(`${path}\0`)
          .update(await readFile(join(dir, path)))
          .update("\0");
    }
  };
  await walk("");
  return hash.digest("hex");
}
