// Subscription-scope deployments: PUT/GET/HEAD, operation statuses, validate, what-if (202 +
// Location, then 200 with status Succeeded or Failed), operations, cancel and the list.
import type { Reply, RequestContext, Route, SimulatedDeployment } from "./context.js";
import { apiVersionOf, armError, jsonBody, newId } from "./context.js";
import { fluxConfigurationPuts, fluxFailures, resolveKeyVaultReferences } from "./flux-settings.js";
import type { ArmErrorBody } from "./scenario.js";
import { simulatedOutputs } from "./outputs.js";
import { authorizationRefusal } from "./policy.js";
import { azureRefusal } from "./resources.js";
import { templateResources } from "./templates.js";

const DEPLOYMENTS = String.raw`^/subscriptions/(?<sub>[^/]+)/providers/Microsoft\.Resources/deployments`;
const route = (methods: string[], suffix: string, handle: (ctx: RequestContext) => Reply): Route => ({
  methods,
  pattern: new RegExp(`${DEPLOYMENTS}${suffix}$`, "i"),
  arm: true,
  handle,
});

interface DeploymentRequest {
  location?: string;
  properties?: { template?: Record<string, unknown>; parameters?: Record<string, unknown> };
}

const isActive = (d: SimulatedDeployment): boolean => d.state === "Accepted" || d.state === "Running";
const deploymentId = (ctx: RequestContext, name: string): string =>
  `/subscriptions/${ctx.identity.subscriptionId}/providers/Microsoft.Resources/deployments/${name}`;
const retryAfter = (seconds: number | undefined): Record<string, string> =>
  seconds === undefined ? {} : { "Retry-After": String(seconds) };

function resourceId(ctx: RequestContext, type: string, name: string): string {
  const sub = `/subscriptions/${ctx.identity.subscriptionId}`;
  return type.toLowerCase() === "microsoft.resources/resourcegroups"
    ? `${sub}/resourceGroups/${name}`
    : `${sub}/providers/${type}/${name}`;
}

function find(ctx: RequestContext): SimulatedDeployment | undefined {
  return ctx.state.deployments.get((ctx.params.name ?? "").toLowerCase());
}

const notFound = (ctx: RequestContext): Reply =>
  armError(404, "DeploymentNotFound", `Deployment '${ctx.params.name ?? ""}' could not be found.`);

function preflightFailure(ctx: RequestContext): Reply | undefined {
  const error = ctx.state.scenario.preflightError;
  return error ? { status: 400, body: { error } } : undefined;
}

/** A deployment's preflight checks the identity may write each resource (what-if does not: Reader plans). */
function authorizationFailure(ctx: RequestContext): Reply | undefined {
  const { properties } = jsonBody<DeploymentRequest>(ctx);
  const denied = ctx.state.scenario.deniedActions;
  const error =
    properties?.template && denied.length > 0
      ? authorizationRefusal(ctx.identity, denied, properties.template, properties.parameters ?? {})
      : undefined;
  return error ? { status: 400, body: { error } } : undefined;
}

function deploymentBody(ctx: RequestContext, d: SimulatedDeployment): unknown {
  const seconds = (Date.now() - d.startedAt.getTime()) / 1000;
  const succeeded = d.state === "Succeeded";
  return {
    id: deploymentId(ctx, d.name),
    name: d.name,
    type: "Microsoft.Resources/deployments",
    location: d.location,
    properties: {
      provisioningState: d.state,
      correlationId: d.correlationId,
      timestamp: new Date().toISOString(),
      duration: `PT${seconds.toFixed(1)}S`,
      mode: "Incremental",
      parameters: d.parameters,
      ...(succeeded ? { outputs: simulatedOutputs(d.template, d.parameters, d.script.outputs) } : {}),
      ...(succeeded
        ? {
            outputResources: templateResources(d.template, d.parameters).map((r) => ({
              id: resourceId(ctx, r.type, r.name),
            })),
          }
        : {}),
      ...(d.state === "Failed" && d.script.failure ? { error: d.script.failure.error } : {}),
    },
  };
}

function finish(ctx: RequestContext, d: SimulatedDeployment): void {
  d.state = d.script.failure ? "Failed" : "Succeeded";
  if (d.state !== "Succeeded") return;
  for (const put of d.flux) ctx.state.fluxConfigurations.set(put.name.toLowerCase(), put);
  for (const r of templateResources(d.template, d.parameters)) {
    if (r.type.toLowerCase() === "microsoft.resources/resourcegroups") {
      ctx.state.resourceGroups.set(r.name.toLowerCase(), { name: r.name, location: r.location ?? d.location });
    }
  }
}

function put(ctx: RequestContext): Reply {
  const rejected = preflightFailure(ctx) ?? authorizationFailure(ctx);
  if (rejected) return rejected;
  const name = ctx.params.name ?? "";
  const request = jsonBody<DeploymentRequest>(ctx);
  if (!request.location)
    return armError(400, "LocationRequired", "The location property is required for this definition.");
  if (!request.properties?.template)
    return armError(400, "InvalidRequestContent", "The template is missing; templateLink is not emulated.");
  const existing = find(ctx);
  if (existing && isActive(existing)) {
    return armError(
      409,
      "DeploymentActive",
      `Unable to edit or replace deployment '${name}': previous deployment is still active.`,
    );
  }
  // What Azure itself refuses of the scripted resources: AKS in preflight, PostgreSQL while deploying.
  const refusal = azureRefusal(ctx.state, request.properties.template, request.properties.parameters ?? {});
  if (refusal?.preflight) return { status: 400, body: { error: refusal.preflight } };
  // Key Vault references are resolved before anything deploys; the values reach the resources only.
  const resolved = resolveKeyVaultReferences(ctx.state, request.properties.parameters ?? {});
  if ("error" in resolved) return { status: 400, body: { error: resolved.error } };
  const flux = fluxConfigurationPuts(request.properties.template, resolved.parameters);
  const failedOperations = [...(refusal?.failedOperations ?? []), ...fluxFailures(flux)];
  const d: SimulatedDeployment = {
    name,
    location: request.location,
    template: request.properties.template,
    parameters: request.properties.parameters ?? {},
    operationId: newId(),
    correlationId: newId(),
    startedAt: new Date(),
    state: "Accepted",
    statusReads: 0,
    flux,
    script: {
      ...ctx.state.scenario.deployment,
      ...(failedOperations.length > 0
        ? {
            failure: {
              error: {
                code: "DeploymentFailed",
                message:
                  "At least one resource deployment operation failed. Please list deployment operations for details.",
                details: failedOperations.map((f) => f.error),
              },
              failedOperations,
            },
          }
        : {}),
    },
  };
  ctx.state.deployments.set(name.toLowerCase(), d);
  const statusUrl =
    `${ctx.baseUrl}${deploymentId(ctx, name)}/operationStatuses/` + `${d.operationId}?api-version=${apiVersionOf(ctx)}`;
  return { status: existing ? 200 : 201, body: deploymentBody(ctx, d), headers: { "Azure-AsyncOperation": statusUrl } };
}

function operationStatus(ctx: RequestContext): Reply {
  const d = find(ctx);
  if (!d || d.operationId !== ctx.params.op)
    return armError(404, "OperationNotFound", "The operation could not be found.");
  if (isActive(d)) {
    d.statusReads += 1;
    if (d.statusReads <= d.script.runningPolls) {
      d.state = "Running";
      return { status: 200, body: { status: "Running" }, headers: retryAfter(d.script.retryAfterSeconds) };
    }
    finish(ctx, d);
  }
  const error: ArmErrorBody | undefined = d.state === "Failed" ? d.script.failure?.error : undefined;
  return {
    status: 200,
    body: {
      id: `${deploymentId(ctx, d.name)}/operationStatuses/${d.operationId}`,
      name: d.operationId,
      status: d.state,
      ...(error ? { error } : {}),
    },
  };
}

function operations(ctx: RequestContext): Reply {
  const d = find(ctx);
  if (!d) return notFound(ctx);
  const failed = d.state === "Failed" ? (d.script.failure?.failedOperations ?? []) : [];
  const isFailed = (type: string, name: string): boolean =>
    failed.some(
      (f) => f.resourceType.toLowerCase() === type.toLowerCase() && f.resourceName.toLowerCase() === name.toLowerCase(),
    );
  const state = isActive(d) ? "Running" : d.state === "Canceled" ? "Canceled" : "Succeeded";
  const entries = [
    ...templateResources(d.template, d.parameters)
      .filter((r) => !isFailed(r.type, r.name))
      .map((r) => ({
        type: r.type,
        name: r.name,
        state,
        statusCode: state === "Succeeded" ? "OK" : undefined,
        error: undefined as ArmErrorBody | undefined,
      })),
    ...failed.map((f) => ({
      type: f.resourceType,
      name: f.resourceName,
      state: "Failed",
      statusCode: f.statusCode,
      error: f.error,
    })),
  ];
  const value = entries.map((e, index) => {
    const operationId = (index + 1).toString(16).padStart(16, "0").toUpperCase();
    return {
      id: `${deploymentId(ctx, d.name)}/operations/${operationId}`,
      operationId,
      properties: {
        provisioningOperation: "Create",
        provisioningState: e.state,
        timestamp: new Date().toISOString(),
        ...(e.statusCode ? { statusCode: e.statusCode } : {}),
        ...(e.error ? { statusMessage: { status: "Failed", error: e.error } } : {}),
        targetResource: { id: resourceId(ctx, e.type, e.name), resourceType: e.type, resourceName: e.name },
      },
    };
  });
  return { status: 200, body: { value } };
}

function list(ctx: RequestContext): Reply {
  const all = [...ctx.state.deployments.values()].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  const offset = Number(ctx.url.searchParams.get("$skiptoken") ?? "0");
  const size = ctx.state.scenario.listPageSize;
  const nextLink =
    offset + size < all.length
      ? `${ctx.baseUrl}${ctx.url.pathname}?api-version=${apiVersionOf(ctx)}&$skiptoken=${offset + size}`
      : undefined;
  return {
    status: 200,
    body: {
      value: all.slice(offset, offset + size).map((d) => deploymentBody(ctx, d)),
      ...(nextLink ? { nextLink } : {}),
    },
  };
}

function cancel(ctx: RequestContext): Reply {
  const d = find(ctx);
  if (!d) return notFound(ctx);
  if (!isActive(d)) {
    return armError(
      409,
      "DeploymentCannotBeCancelled",
      `Deployment '${d.name}' is in terminal state '${d.state}' and cannot be cancelled.`,
    );
  }
  d.state = "Canceled";
  return { status: 204 };
}

function validate(ctx: RequestContext): Reply {
  const rejected = preflightFailure(ctx) ?? authorizationFailure(ctx);
  if (rejected) return rejected;
  const request = jsonBody<DeploymentRequest>(ctx);
  const resources = templateResources(request.properties?.template ?? {}, request.properties?.parameters ?? {});
  return {
    status: 200,
    body: {
      id: deploymentId(ctx, ctx.params.name ?? ""),
      name: ctx.params.name,
      type: "Microsoft.Resources/deployments",
      properties: {
        provisioningState: "Succeeded",
        mode: "Incremental",
        validatedResources: resources.map((r) => ({ id: resourceId(ctx, r.type, r.name) })),
      },
    },
  };
}

function whatIfLocation(ctx: RequestContext, id: string): string {
  return (
    `${ctx.baseUrl}/subscriptions/${ctx.identity.subscriptionId}` +
    `/operationresults/${id}?api-version=${apiVersionOf(ctx)}`
  );
}

function startWhatIf(ctx: RequestContext): Reply {
  const rejected = preflightFailure(ctx);
  if (rejected) return rejected;
  const request = jsonBody<DeploymentRequest>(ctx);
  const id = newId();
  const script = { ...ctx.state.scenario.whatIf };
  ctx.state.whatIfs.set(id, {
    template: request.properties?.template ?? {},
    parameters: request.properties?.parameters ?? {},
    reads: 0,
    script,
  });
  return { status: 202, headers: { Location: whatIfLocation(ctx, id), ...retryAfter(script.retryAfterSeconds) } };
}

function whatIfResult(ctx: RequestContext): Reply {
  const id = ctx.params.id ?? "";
  const w = ctx.state.whatIfs.get(id);
  if (!w) return armError(404, "OperationNotFound", "The operation could not be found.");
  w.reads += 1;
  if (w.reads <= w.script.pendingPolls) {
    return { status: 202, headers: { Location: whatIfLocation(ctx, id), ...retryAfter(w.script.retryAfterSeconds) } };
  }
  if (w.script.failure) return { status: 200, body: { status: "Failed", error: w.script.failure } };
  const changes =
    w.script.changes ??
    templateResources(w.template, w.parameters).map((r) => ({
      resourceId: resourceId(ctx, r.type, r.name),
      changeType: "Create",
      after: { type: r.type, name: r.name },
    }));
  return {
    status: 200,
    body: { status: "Succeeded", properties: { correlationId: newId(), changes, diagnostics: [] } },
  };
}

function get(ctx: RequestContext): Reply {
  const d = find(ctx);
  if (!d) return notFound(ctx);
  return ctx.method === "HEAD" ? { status: 204 } : { status: 200, body: deploymentBody(ctx, d) };
}

export const deploymentRoutes: Route[] = [
  route(["GET"], "", list),
  route(["PUT"], "/(?<name>[^/]+)", put),
  route(["GET", "HEAD"], "/(?<name>[^/]+)", get),
  route(["GET"], "/(?<name>[^/]+)/operationStatuses/(?<op>[^/]+)", operationStatus),
  route(["GET"], "/(?<name>[^/]+)/operations", operations),
  route(["POST"], "/(?<name>[^/]+)/validate", validate),
  route(["POST"], "/(?<name>[^/]+)/whatIf", startWhatIf),
  route(["POST"], "/(?<name>[^/]+)/cancel", cancel),
  {
    methods: ["GET"],
    pattern: /^\/subscriptions\/(?<sub>[^/]+)\/operationresults\/(?<id>[^/]+)$/i,
    arm: true,
    handle: whatIfResult,
  },
];
