// AKS fluxConfigurations. Tests script the commit and how long it stays Non-Compliant; the
// standalone emulator instead follows a real git repository the way Flux's source-controller does,
// so a person can watch a deploy through to Compliant. Whenever the repository is known, the tree
// at the commit is judged as the extension's controllers would (flux-tree.ts): a tree they refuse
// stays Non-Compliant, with each refused object and the controller's message in the statuses.
import { execFileSync } from "node:child_process";
import type { EmulatorState, Reply, RequestContext, Route } from "./context.js";
import { armError } from "./context.js";
import { publicKeyOf, type FluxConfigurationPut } from "./flux-settings.js";
import { refusals } from "./flux-tree.js";
import type { FluxScript } from "./scenario.js";
import { declaredResources, isRecord, nestedScopes, resolve } from "./templates.js";

const FLUX_TYPE = "microsoft.kubernetesconfiguration/fluxconfigurations";

/** What Flux fetched: a commit as Azure reports it ("branch@sha1:sha"), or why it could not. */
type Source = { commit: string } | { error: string };

/** The branch that the latest succeeded deployment gave this fluxConfiguration, nested templates included. */
function configuredBranch(state: EmulatorState, name: string): string | undefined {
  const succeeded = [...state.deployments.values()]
    .filter((d) => d.state === "Succeeded")
    .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
  for (const d of succeeded) {
    for (const scope of nestedScopes({ template: d.template, parameters: d.parameters })) {
      for (const { resource } of declaredResources(scope.template)) {
        if (
          String(resource.type).toLowerCase() !== FLUX_TYPE ||
          String(resolve(resource.name, scope)).toLowerCase() !== name.toLowerCase()
        )
          continue;
        const git = isRecord(resource.properties) ? resource.properties.gitRepository : undefined;
        const ref = isRecord(git) ? git.repositoryRef : undefined;
        const branch = isRecord(ref) ? resolve(ref.branch, scope) : undefined;
        if (typeof branch === "string") return branch;
      }
    }
  }
  return undefined;
}

/** The branch tip as Flux would fetch it, read afresh on every GET. */
function fetchTip(repository: string, branch: string): Source {
  try {
    // Synchronous: one local git read per GET, and route handlers are synchronous.
    const listed = execFileSync("git", ["ls-remote", repository, `refs/heads/${branch}`], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 10_000,
      env: { ...process.env, GIT_TERMINAL_PROMPT: "0" },
    });
    const sha = /^([0-9a-f]{40,64})\t/m.exec(listed)?.[1];
    return sha ? { commit: `${branch}@sha1:${sha}` } : { error: `couldn't find remote ref "refs/heads/${branch}"` };
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? "")
      .trim()
      .split("\n")[0];
    return { error: `unable to clone '${repository}'${stderr ? `: ${stderr}` : ""}` };
  }
}

/** Undefined while the configuration does not exist: a followed one exists once a deployment created it. */
function sourceOf(state: EmulatorState, name: string, script: FluxScript): Source | undefined {
  if ("commit" in script) return { commit: script.commit };
  const branch = configuredBranch(state, name);
  return branch === undefined ? undefined : fetchTip(script.repository, branch);
}

/**
 * The source as the last PUT set it. As ARM does, protected settings never come back: an empty
 * object in their place, and an SSH key's public half (base64) as repositoryPublicKey.
 */
function sourceProperties(put: FluxConfigurationPut | undefined): Record<string, unknown> {
  if (!put) return {};
  const key = put.protectedSettings.sshPrivateKey;
  const publicKey = key === undefined ? undefined : publicKeyOf(Buffer.from(key, "base64").toString("utf8"));
  return {
    gitRepository: { url: put.url ?? null, ...(put.sshKnownHosts ? { sshKnownHosts: put.sshKnownHosts } : {}) },
    configurationProtectedSettings: {},
    ...(publicKey ? { repositoryPublicKey: Buffer.from(publicKey).toString("base64") } : {}),
  };
}

function getFluxConfiguration(ctx: RequestContext): Reply {
  const name = ctx.params.name ?? "";
  const script = ctx.state.scenario.flux[name] ?? ctx.state.scenario.flux["*"];
  const source = script && sourceOf(ctx.state, name, script);
  if (!script || !source)
    return armError(
      404,
      "ResourceNotFound",
      `The Resource 'Microsoft.KubernetesConfiguration/fluxConfigurations/${name}' was not found.`,
    );

  // Compliance is counted from the moment Flux has a new commit, as a real reconciliation starts then.
  const key = ctx.url.pathname.toLowerCase();
  const commit = "commit" in source ? source.commit : undefined;
  const previous = ctx.state.fluxSyncs.get(key);
  const reads = previous && previous.commit === commit ? previous.reads + 1 : 1;
  ctx.state.fluxSyncs.set(key, { commit, reads });

  const now = new Date().toISOString();
  const ready = (ok: boolean, reason: string, message: string): unknown => ({
    lastTransitionTime: now,
    message,
    reason,
    status: ok ? "True" : "False",
    type: "Ready",
  });
  const object = (objectName: string, kind: string, compliance: string, condition: unknown): unknown => ({
    name: objectName,
    namespace: "flux-system",
    kind,
    complianceState: compliance,
    appliedBy: null,
    statusConditions: [condition],
  });
  let compliance: string;
  let statuses: unknown[];
  if (commit === undefined) {
    compliance = "Non-Compliant";
    statuses = [
      object(
        name,
        "GitRepository",
        compliance,
        ready(
          false,
          "GitOperationFailed",
          `failed to checkout and determine revision: ${"error" in source ? source.error : ""}`,
        ),
      ),
    ];
  } else {
    const fetched = object(
      name,
      "GitRepository",
      "Compliant",
      ready(true, "Succeeded", `stored artifact for revision '${commit}'`),
    );
    let refused: ReturnType<typeof refusals>;
    let unreadable: string | undefined;
    const sha = /([0-9a-f]{40}|[0-9a-f]{64})$/i.exec(commit)?.[1];
    try {
      refused = script.repository !== undefined && sha ? refusals(ctx.state, name, script.repository, sha) : undefined;
    } catch (error) {
      unreadable = String((error as { stderr?: unknown }).stderr ?? error)
        .trim()
        .split("\n")[0];
    }
    if (unreadable !== undefined) {
      compliance = "Non-Compliant";
      statuses = [
        object(
          name,
          "GitRepository",
          compliance,
          ready(false, "GitOperationFailed", `failed to checkout revision ${commit}: ${unreadable}`),
        ),
      ];
    } else if (refused && refused.length > 0) {
      // What the controllers refuse never heals by waiting: every kustomization stays not Ready.
      compliance = "Non-Compliant";
      const first = refused[0]!;
      const blocked = ready(
        false,
        "ReconciliationFailed",
        `${refused.length} object(s) refused, first ${first.object}: ${first.message}`,
      );
      statuses = [
        fetched,
        ...script.kustomizations.map((k) => object(`${name}-${k}`, "Kustomization", compliance, blocked)),
        ...refused.map((v) => {
          const [kind = "Object", id = ""] = v.object.split(" ");
          const [namespace, objectName] = id.includes("/") ? id.split("/") : ["", id];
          return {
            ...(object(
              objectName ?? id,
              kind,
              compliance,
              ready(false, v.reason ?? "ReconciliationFailed", v.message),
            ) as object),
            namespace,
          };
        }),
      ];
    } else {
      compliance = reads <= script.nonCompliantReads ? "Non-Compliant" : "Compliant";
      // A followed repository is being applied; a scripted Non-Compliant is a failure that heals.
      const followed = !("commit" in script);
      const [reason, message] = followed
        ? ["Progressing", `Reconciliation in progress for revision ${commit}`]
        : ["ReconciliationFailed", "kustomization path not found"];
      const applied =
        compliance === "Compliant"
          ? ready(true, "ReconciliationSucceeded", `Applied revision: ${commit}`)
          : ready(false, reason, message);
      statuses = [
        fetched,
        ...script.kustomizations.map((k) => object(`${name}-${k}`, "Kustomization", compliance, applied)),
      ];
    }
  }
  return {
    status: 200,
    body: {
      id: ctx.url.pathname,
      name,
      type: "Microsoft.KubernetesConfiguration/fluxConfigurations",
      properties: {
        scope: "cluster",
        namespace: "flux-system",
        sourceKind: "GitRepository",
        ...sourceProperties(ctx.state.fluxConfigurations.get(name.toLowerCase())),
        provisioningState: "Succeeded",
        complianceState: compliance,
        ...(commit === undefined ? {} : { sourceSyncedCommitId: commit }),
        sourceUpdatedAt: now,
        statusUpdatedAt: now,
        statuses,
      },
    },
  };
}

export const fluxRoutes: Route[] = [
  {
    methods: ["GET"],
    pattern: new RegExp(
      String.raw`^/subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)` +
        String.raw`/providers/Microsoft\.ContainerService/managedClusters/(?<cluster>[^/]+)` +
        String.raw`/providers/Microsoft\.KubernetesConfiguration/fluxConfigurations/(?<name>[^/]+)$`,
      "i",
    ),
    arm: true,
    handle: getFluxConfiguration,
  },
];
