// Attacks through the GitOps remote, against real git over smart HTTPS on 127.0.0.1: the token
// must reach only the hosts the operator trusts, and nothing the fetched branch holds (a symbolic
// link, a submodule) may make the toolkit read, write or delete outside its private clone.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { basicCredential, trustedGitopsHosts, UntrustedHostError } from "../../src/adapters/git/credentials.js";
import { GitopsBranch, UnsafeBranchError } from "../../src/adapters/git/gitops-branch.js";
import { createSelfSignedCertificate, type Certificate } from "../emulator/certificate.js";
import { branchTip, git, GIT_IDENTITY, tempDir, type TempDir } from "../engine/support/git-repos.js";
import { startGitHttpsServer, type GitHttpsServer } from "./git-https-server.js";
import { pushEntries } from "./support.js";

const BRANCH = "gitops/dev";
const TOKEN = "ghs_secretTokenValue0123456789";
const files = new Map([
  ["clusters/dev/kustomization.yaml", "resources: [layers.yaml]\n"],
  ["clusters/dev/layers.yaml", "kind: Kustomization\n"],
]);

let cert: Certificate;
let projects: TempDir;
let trusted: GitHttpsServer;
let attacker: GitHttpsServer;
let outside: TempDir;
const saved = { ...process.env };

beforeAll(async () => {
  cert = await createSelfSignedCertificate();
  projects = tempDir("git-projects-");
  trusted = await startGitHttpsServer(projects.path, cert);
  attacker = await startGitHttpsServer(projects.path, cert);
});
afterAll(async () => {
  await trusted.close();
  await attacker.close();
  projects.dispose();
  await cert.dispose();
});
beforeEach(() => {
  Object.assign(process.env, GIT_IDENTITY, { GIT_SSL_CAINFO: cert.certPath });
  git(projects.path, "init", "-q", "--bare", "gitops.git");
  outside = tempDir("outside-the-clone-");
  writeFileSync(join(outside.path, "victim.txt"), "precious\n");
  trusted.requests.length = 0;
  attacker.requests.length = 0;
});
afterEach(() => {
  process.env = { ...saved };
  outside.dispose();
  rmSync(bare(), { recursive: true, force: true });
});

const bare = (): string => join(projects.path, "gitops.git");
const branch = (remote: string, token: string | null = TOKEN): GitopsBranch =>
  new GitopsBranch({
    remote,
    branch: BRANCH,
    root: "clusters/dev",
    ...(token ? { token } : {}),
    trustedHosts: [trusted.host],
  });

describe("the GitOps token goes only where the operator says", () => {
  test("the trusted host receives the scoped header on every request", async () => {
    const result = await branch(trusted.url("gitops.git")).publish(files, {
      message: "one",
      expectedParent: undefined,
    });

    expect(result.status).toBe("published");
    expect(trusted.requests.length).toBeGreaterThan(2);
    expect(trusted.requests.every((r) => r.authorization === `basic ${basicCredential(TOKEN)}`)).toBe(true);
  });

  test(
    "a repository on another host is refused before git runs: that host sees " + "no request, let alone the token",
    async () => {
      expect(() => branch(attacker.url("gitops.git"))).toThrow(UntrustedHostError);
      expect(() => branch(attacker.url("gitops.git"))).toThrow(
        `${attacker.host}, which is not a host the GitOps token is sent to (${trusted.host})`,
      );
      expect(attacker.requests).toEqual([]);
    },
  );

  test("without a token any host is read anonymously", async () => {
    await expect(branch(attacker.url("gitops.git"), null).head()).resolves.toBeUndefined();
    expect(attacker.requests.length).toBeGreaterThan(0);
    expect(attacker.requests.every((r) => r.authorization === undefined)).toBe(true);
  });

  test("trusted hosts are this GitHub server and the ones the operator names, never anything else", () => {
    expect(trustedGitopsHosts({})).toEqual(["github.com"]);
    expect(
      trustedGitopsHosts({
        GITHUB_SERVER_URL: "https://ghe.example.com",
        CODEMIE_GITOPS_TRUSTED_HOSTS: "git.example.com, 127.0.0.1:8443",
      }),
    ).toEqual(["ghe.example.com", "git.example.com", "127.0.0.1:8443"]);
    expect(() => trustedGitopsHosts({ CODEMIE_GITOPS_TRUSTED_HOSTS: "http://[::" })).toThrow("not a host name");
  });
});

describe("nothing the fetched branch holds is followed", () => {
  const victim = (): string => readFileSync(join(outside.path, "victim.txt"), "utf8");

  test.each([
    ["the owned directory", { "clusters/dev": { link: "" } }, "clusters/dev is a symbolic link"],
    ["a parent of the owned directory", { clusters: { link: "" } }, "clusters is a symbolic link"],
    [
      "the owned directory as a submodule",
      { "clusters/dev": { submodule: "1111111111111111111111111111111111111111" } },
      "clusters/dev is a submodule",
    ],
    ["a parent as a file", { clusters: { file: "x\n" } }, "clusters is a file, not a directory"],
  ] as const)(
    "a link or submodule at %s is refused before anything is written or deleted",
    async (_, entries, message) => {
      const linked = Object.fromEntries(
        Object.entries(entries).map(([p, e]) => [p, "link" in e ? { link: outside.path } : e]),
      );
      const tip = pushEntries(bare(), BRANCH, { "README.md": { file: "kept\n" }, ...linked });
      const gitops = branch(trusted.url("gitops.git"));

      const refused = gitops.preview(files);
      await expect(refused).rejects.toThrow(UnsafeBranchError);
      await expect(refused).rejects.toThrow(`refusing to use ${BRANCH}: ${message}`);
      await expect(gitops.publish(files, { message: "m", expectedParent: tip })).rejects.toThrow(message);

      expect(readdirSync(outside.path)).toEqual(["victim.txt"]);
      expect(victim()).toBe("precious\n");
      expect(branchTip(bare(), BRANCH)).toBe(tip);
    },
  );

  test("a preserved file linked to the clone's config is refused, so no header can reach a diff", async () => {
    pushEntries(bare(), BRANCH, {
      "clusters/dev/kustomization.yaml": { file: "x\n" },
      "clusters/dev/infra-outputs.yaml": { link: "../../.git/config" },
    });
    const gitops = branch(trusted.url("gitops.git"));

    await expect(gitops.preview(files, ["clusters/dev/infra-outputs.yaml"])).rejects.toThrow(
      "clusters/dev/infra-outputs.yaml is a symbolic link",
    );
    await expect(gitops.readAtTip("clusters/dev/infra-outputs.yaml")).rejects.toThrow(
      "clusters/dev/infra-outputs.yaml is a symbolic link",
    );
  });

  test("a link inside the owned directory is replaced on the branch, never followed", async () => {
    mkdirSync(join(outside.path, "dir"));
    const tip = pushEntries(bare(), BRANCH, {
      "clusters/dev/layers.yaml": { link: join(outside.path, "victim.txt") },
      "clusters/dev/sub": { link: join(outside.path, "dir") },
    });
    const gitops = branch(trusted.url("gitops.git"));

    const preview = await gitops.preview(files);
    expect(preview.patch).not.toContain("precious");
    const published = await gitops.publish(files, { message: "m", expectedParent: tip });

    expect(published).toMatchObject({ status: "published" });
    expect(git(bare(), "ls-tree", "-r", BRANCH, "clusters/dev")).toMatch(
      /^100644 blob \w+\tclusters\/dev\/kustomization.yaml\n100644 blob \w+\tclusters\/dev\/layers.yaml$/,
    );
    expect(victim()).toBe("precious\n");
    expect(existsSync(join(outside.path, "dir", "kustomization.yaml"))).toBe(false);
  });
});
