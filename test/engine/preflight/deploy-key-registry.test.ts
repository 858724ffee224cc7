// Registering Flux's deploy key with real Octokit against the GitHub fake: listed first (never a
// duplicate), added read-only, and every refusal GitHub makes (no Administration permission, a
// repository the token cannot see, a key in use elsewhere, a repository on another host) comes
// back as the reason for the manual step instead of an error.
import { getOctokit } from "@actions/github";
import { afterEach, describe, expect, test } from "vitest";
import { gitHubDeployKeys } from "../../../src/app/deploy-key-registry.js";
import { generateDeployKey, keyMaterial, registrationSteps } from "../../../src/engine/deploy-key.js";
import { GitHubFake } from "../../github-fake/server.js";
import { joinedRegExp } from "../../support/regex.js";

const REPOSITORY = "https://github.com/acme/codemie-platform";
let github: GitHubFake | undefined;
afterEach(async () => {
  await github?.stop();
  github = undefined;
});

async function registry(options: { administration?: boolean; user?: boolean } = {}) {
  github = await GitHubFake.start({
    ...(options.administration ? { administration: true } : {}),
    ...(options.user ? { user: { login: "platform-admin", id: 7, type: "User" } } : {}),
  });
  return gitHubDeployKeys(getOctokit(github.token, { baseUrl: github.url }), "https://github.com");
}

describe("registering the deploy key through the GitHub API", () => {
  test("adds it read-only once; a second deploy finds it and adds nothing", async () => {
    const keys = await registry({ administration: true, user: true });
    const { publicKey } = generateDeployKey("flux-dev@codemie-gitops");
    expect(await keys.register(REPOSITORY, publicKey, "flux-dev (codemie-gitops)")).toEqual({
      state: "registered",
      slug: "acme/codemie-platform",
    });
    expect(await keys.register(REPOSITORY, publicKey, "flux-dev (codemie-gitops)")).toEqual({
      state: "present",
      slug: "acme/codemie-platform",
      readOnly: true,
    });
    expect(github!.deployKeys).toEqual([
      { id: expect.any(Number), key: keyMaterial(publicKey), title: "flux-dev (codemie-gitops)", readOnly: true },
    ]);
    expect(github!.requestsTo("POST", /\/keys$/).map((r) => r.body)).toEqual([
      { title: "flux-dev (codemie-gitops)", key: keyMaterial(publicKey), read_only: true },
    ]);
  });

  test("reports a key someone added with write access, and leaves it", async () => {
    const keys = await registry({ administration: true });
    const { publicKey } = generateDeployKey("x");
    github!.deployKeys.push({ id: 1, key: keyMaterial(publicKey), title: "by hand", readOnly: false });
    expect(await keys.register(REPOSITORY, publicKey, "t")).toEqual({
      state: "present",
      slug: "acme/codemie-platform",
      readOnly: false,
    });
    expect(github!.requestsTo("POST", /\/keys$/)).toEqual([]);
  });

  test("a workflow token (no Administration permission) gets the manual step, not an error", async () => {
    const keys = await registry();
    const result = await keys.register(REPOSITORY, generateDeployKey("x").publicKey, "t");
    expect(result).toEqual({
      state: "manual",
      reason:
        "the GitHub token may not read the deploy keys of acme/codemie-platform: " +
        "it needs the Administration permission (read and write), which a " +
        "workflow's GITHUB_TOKEN never has",
    });
    expect(github!.deployKeys).toEqual([]);
  });

  test("a key already in use on another repository is GitHub's 422, reported with its message", async () => {
    const keys = await registry({ administration: true });
    const { publicKey } = generateDeployKey("x");
    github!.keysElsewhere.add(keyMaterial(publicKey));
    const result = await keys.register(REPOSITORY, publicKey, "t");
    expect(result.state).toBe("manual");
    expect(result.state === "manual" && result.reason).toMatch(
      joinedRegExp(
        /^GitHub refused the key for acme\/codemie-platform \(.*key is already in use.*\): a deploy key can be /,
        /registered on one repository only$/,
      ),
    );
  });

  test("a repository the token cannot see, or on another host, gets the manual step", async () => {
    const keys = await registry({ administration: true });
    const { publicKey } = generateDeployKey("x");
    expect(await keys.register("https://github.com/acme/other-repo", publicKey, "t")).toEqual({
      state: "manual",
      reason:
        "the GitHub token cannot see acme/other-repo (404): it needs access to " +
        "that repository with the Administration permission",
    });
    expect(await keys.register("https://ghes.acme.example/acme/codemie-platform", publicKey, "t")).toEqual({
      state: "manual",
      reason: "the GitOps repository is on ghes.acme.example, the GitHub token is for github.com",
    });
    expect(github!.requestsTo("GET", /ghes/)).toEqual([]);
  });
});

describe("the manual step", () => {
  test("names the repository, the public key and a read-only registration", () => {
    expect(
      registrationSteps(REPOSITORY, "ssh-ed25519 AAAAC3Nza flux-dev@codemie-gitops", "flux-dev (codemie-gitops)"),
    ).toEqual([
      "echo 'ssh-ed25519 AAAAC3Nza flux-dev@codemie-gitops' > flux-dev.pub",
      "gh repo deploy-key add flux-dev.pub --repo " +
        "github.com/acme/codemie-platform --title 'flux-dev (codemie-gitops)'   " +
        "(read-only: leave out --allow-write)",
      "or on GitHub: " +
        "https://github.com/acme/codemie-platform/settings/keys/new, title " +
        '"flux-dev (codemie-gitops)", paste the key, leave "Allow write access" ' +
        "unchecked",
    ]);
  });
});
