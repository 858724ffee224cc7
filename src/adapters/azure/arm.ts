// The ARM calls the deploy engine makes, over @azure/arm-resources 6.1.0 (the last release with
// deployments). LROs are driven by lro.ts; errors come back as ArmRequestError, never as the SDK's
// RestError, so no request body (a secret value, say) can leak through an error object.
import { ResourceManagementClient, type DeploymentExtended, type WhatIfOperationResult } from "@azure/arm-resources";
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createPipelineFromOptions,
  createPipelineRequest,
  isRestError,
  type HttpClient,
  type Pipeline,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import type { TokenCredential } from "@azure/identity";
import { sdkTlsWithExtraCa } from "../extra-ca.js";
import type {
  Arm,
  ArmErrorDetail,
  DeploymentErrorReport,
  DeploymentOutcome,
  DeploymentRequest,
  DeployOptions,
  FailedOperation,
  OperationProgress,
  RunningDeployment,
  WhatIfOutcome,
} from "../../engine/ports.js";
import { armErrorFromBody, toArmErrorDetail, toArmRequestError } from "./arm-errors.js";
import type { AzureCloud } from "./cloud.js";
import { pollToEnd, type PollOptions, type StartPoller } from "./lro.js";
import { armRetryPolicy, defaultRetrySettings, type RetrySettings } from "./retry.js";

const KEY_VAULT_API_VERSION = "2023-07-01";
/** Key Vault data-plane REST API (GET secret). */
const KEY_VAULT_DATA_API_VERSION = "7.4";
const TERMINAL_STATES = new Set(["Succeeded", "Failed", "Canceled", "Deleted"]);

export interface ArmClientOptions {
  credential: TokenCredential;
  subscriptionId: string;
  cloud: AzureCloud;
  /** A PEM certificate to trust on top of the public roots (the emulator's). */
  ca?: string;
  /** Floor between LRO polls; a longer Retry-After from ARM wins. Default 5 s. */
  pollIntervalMs?: number;
  retry?: Partial<RetrySettings>;
  /** Transient poll failures tolerated in a row after the pipeline's retries. Default 5. */
  maxPollFailures?: number;
}

/** ARM answers a template rejected by preflight with HTTP 400 and the reasons in the body. */
function preflightError(error: unknown): ArmErrorDetail | undefined {
  if (!isRestError(error) || error.statusCode !== 400) return undefined;
  const cloudError = (error.details as { error?: Parameters<typeof toArmErrorDetail>[0] } | undefined)?.error;
  return cloudError ? toArmErrorDetail(cloudError) : undefined;
}

/** ARM's what-if result as sent (`properties` not yet flattened by the SDK); undefined when unreadable. */
function rawWhatIfResult(text: string | undefined): WhatIfOperationResult | undefined {
  if (!text) return undefined;
  try {
    const body = JSON.parse(text) as {
      status?: string;
      error?: WhatIfOperationResult["error"];
      properties?: Pick<WhatIfOperationResult, "changes" | "potentialChanges">;
    };
    if (body === null || typeof body !== "object" || typeof body.status !== "string") return undefined;
    return {
      status: body.status,
      error: body.error,
      changes: body.properties?.changes,
      potentialChanges: body.properties?.potentialChanges,
    };
  } catch {
    return undefined;
  }
}

function outputValues(outputs: unknown): Record<string, unknown> {
  const declared = (outputs ?? {}) as Record<string, { value?: unknown }>;
  return Object.fromEntries(Object.entries(declared).map(([name, output]) => [name, output.value]));
}

/** Key Vault's refusal in one line: code, inner code (ForbiddenByRbac, ForbiddenByFirewall, ...) and the first line. */
function keyVaultError(status: number, text: string | null | undefined): Error & { statusCode: number } {
  let error: { code?: unknown; message?: unknown; innererror?: { code?: unknown } } | undefined;
  try {
    error = (JSON.parse(text ?? "") as { error?: typeof error }).error;
  } catch {
    error = undefined;
  }
  const code = typeof error?.code === "string" ? error.code : `Http${status}`;
  const inner = typeof error?.innererror?.code === "string" ? ` (${error.innererror.code})` : "";
  const first = typeof error?.message === "string" ? (error.message.split(/\r?\n/)[0] ?? "") : "";
  return Object.assign(new Error(`Key Vault answered HTTP ${status} ${code}${inner}${first ? `: ${first}` : ""}`), {
    statusCode: status,
  });
}

/** The engine's ARM port over the SDK and ARM's REST API. */
export class ArmClient implements Arm {
  private readonly client: ResourceManagementClient;
  private readonly armEndpoint: string;
  private readonly pollOptions: Pick<PollOptions, "intervalMs" | "maxPollFailures">;
  /** The Key Vault data plane: its own token audience, the same trust and retries as ARM. */
  private readonly vaultPipeline: Pipeline;
  private readonly httpClient: HttpClient = createDefaultHttpClient();

  constructor(options: ArmClientOptions) {
    this.armEndpoint = options.cloud.armEndpoint;
    this.pollOptions = { intervalMs: options.pollIntervalMs ?? 5000, maxPollFailures: options.maxPollFailures ?? 5 };
    this.client = new ResourceManagementClient(options.credential, options.subscriptionId, {
      endpoint: options.cloud.armEndpoint,
      credentialScopes: [options.cloud.armScope],
      userAgentOptions: { userAgentPrefix: "codemie-gitops" },
      ...(options.ca ? { tlsOptions: sdkTlsWithExtraCa(options.ca) } : {}),
    });
    this.client.pipeline.removePolicy({ name: "defaultRetryPolicy" });
    this.client.pipeline.addPolicy(armRetryPolicy({ ...defaultRetrySettings, ...options.retry }), { phase: "Retry" });
    this.vaultPipeline = createPipelineFromOptions({
      userAgentOptions: { userAgentPrefix: "codemie-gitops" },
      ...(options.ca ? { tlsOptions: sdkTlsWithExtraCa(options.ca) } : {}),
    });
    this.vaultPipeline.removePolicy({ name: "defaultRetryPolicy" });
    this.vaultPipeline.addPolicy(armRetryPolicy({ ...defaultRetrySettings, ...options.retry }), { phase: "Retry" });
    this.vaultPipeline.addPolicy(
      bearerTokenAuthenticationPolicy({ credential: options.credential, scopes: options.cloud.keyVaultScope }),
    );
  }

  async whatIfAtSubscription(
    name: string,
    request: DeploymentRequest,
    options: { signal?: AbortSignal } = {},
  ): Promise<WhatIfOutcome> {
    const body = {
      location: request.location,
      properties: {
        mode: "Incremental" as const,
        template: request.template,
        parameters: request.parameters,
        whatIfSettings: { resultFormat: "FullResourcePayloads" as const },
      },
    };
    // The SDK deserializes a change's before/after/delta values as dictionaries (numbers become
    // {}, strings {"0": "a", ...}): the result is read from the last raw answer instead.
    let rawResult: string | undefined;
    const start: StartPoller<WhatIfOperationResult> = (resumeFrom, onResponse) =>
      this.client.deployments.beginWhatIfAtSubscriptionScope(name, body, {
        resumeFrom,
        onResponse: (raw) => {
          onResponse(raw);
          if (raw.status === 200) rawResult = raw.bodyAsText ?? undefined;
        },
      });
    try {
      const end = await pollToEnd(start, { ...this.pollOptions, signal: options.signal });
      if (end.done === "ended") throw end.error;
      const result = rawWhatIfResult(rawResult) ?? end.result;
      // A failed what-if is HTTP 200 with status Failed, which the SDK returns as a success.
      if (result.status === "Failed" || result.error)
        return { status: "Failed", error: toArmErrorDetail(result.error ?? {}) };
      return { status: "Succeeded", changes: result.changes ?? [], potentialChanges: result.potentialChanges ?? [] };
    } catch (error) {
      const rejected = preflightError(error);
      if (rejected) return { status: "Failed", error: rejected };
      throw toArmRequestError(error);
    }
  }

  /**
   * Runs a deployment to its end. Resolves for Succeeded, Failed and Canceled; throws when ARM cannot be reached or
   * refuses.
   */
  async deployAtSubscription(
    name: string,
    request: DeploymentRequest,
    options: DeployOptions = {},
  ): Promise<DeploymentOutcome> {
    const body = {
      location: request.location,
      properties: { mode: "Incremental" as const, template: request.template, parameters: request.parameters },
      ...(request.tags ? { tags: request.tags } : {}),
    };
    const start: StartPoller<DeploymentExtended> = (resumeFrom, onResponse) =>
      this.client.deployments.beginCreateOrUpdateAtSubscriptionScope(name, body, { resumeFrom, onResponse });
    const { onProgress } = options;
    try {
      const end = await pollToEnd(start, {
        ...this.pollOptions,
        signal: options.signal,
        ...(onProgress ? { afterPoll: () => this.reportProgress(name, onProgress) } : {}),
      });
      if (end.done === "succeeded") {
        const properties = end.result.properties;
        return {
          provisioningState: "Succeeded",
          outputs: outputValues(properties?.outputs),
          correlationId: properties?.correlationId,
          duration: properties?.duration,
        };
      }
      const deployment = await this.client.deployments.getAtSubscriptionScope(name);
      const state = deployment.properties?.provisioningState;
      if (state === "Canceled") return { provisioningState: "Canceled" };
      if (state !== "Failed") throw end.error;
      return {
        provisioningState: "Failed",
        report: await this.errorReport(name, deployment),
        correlationId: deployment.properties?.correlationId,
      };
    } catch (error) {
      const rejected = preflightError(error);
      if (rejected) return { provisioningState: "Failed", report: { error: rejected, failedOperations: [] } };
      throw toArmRequestError(error);
    }
  }

  /**
   * The full error of a failed deployment: `properties.error` with its details, and each failed operation's status
   * message.
   */
  async getDeploymentError(name: string): Promise<DeploymentErrorReport> {
    try {
      return await this.errorReport(name, await this.client.deployments.getAtSubscriptionScope(name));
    } catch (error) {
      throw toArmRequestError(error);
    }
  }

  /** True when the cancel was accepted, false when the deployment had already ended. */
  async cancelDeployment(name: string): Promise<boolean> {
    try {
      await this.client.deployments.cancelAtSubscriptionScope(name);
      return true;
    } catch (error) {
      if (isRestError(error) && error.statusCode === 409) return false;
      throw toArmRequestError(error);
    }
  }

  /** A subscription deployment whose name starts with the prefix and which has not ended yet. */
  async findRunningDeployment(prefix: string): Promise<RunningDeployment | undefined> {
    try {
      for await (const deployment of this.client.deployments.listAtSubscriptionScope()) {
        const state = deployment.properties?.provisioningState ?? "NotSpecified";
        if (deployment.name?.toLowerCase().startsWith(prefix.toLowerCase()) && !TERMINAL_STATES.has(state)) {
          return { name: deployment.name, provisioningState: state, timestamp: deployment.properties?.timestamp };
        }
      }
      return undefined;
    } catch (error) {
      throw toArmRequestError(error);
    }
  }

  /** GET of any ARM resource (e.g. a fluxConfiguration) as raw JSON; undefined when it does not exist. */
  async getJson<T>(path: string, apiVersion: string): Promise<T | undefined> {
    const response = await this.send("GET", path, apiVersion);
    if (response.status === 404) return undefined;
    if (response.status >= 300) throw armErrorFromBody(response.status, response.bodyAsText);
    return JSON.parse(response.bodyAsText ?? "null") as T;
  }

  /** Creates the secret through ARM unless it exists; an existing value is never read nor replaced. */
  async putKeyVaultSecretIfMissing(
    vaultId: string,
    secretName: string,
    value: string,
    contentType?: string,
  ): Promise<"created" | "exists"> {
    const path = `${vaultId}/secrets/${encodeURIComponent(secretName)}`;
    if ((await this.getJson(path, KEY_VAULT_API_VERSION)) !== undefined) return "exists";
    const response = await this.send(
      "PUT",
      path,
      KEY_VAULT_API_VERSION,
      JSON.stringify({ properties: { value, ...(contentType ? { contentType } : {}) } }),
    );
    if (response.status >= 300) throw armErrorFromBody(response.status, response.bodyAsText);
    return "created";
  }

  /** GET {vaultUri}secrets/{name} on the data plane; the value stays in memory, never in an error or a log. */
  async readKeyVaultSecret(
    vaultUri: string,
    name: string,
  ): Promise<{ value: string; contentType?: string } | undefined> {
    const base = new URL(vaultUri);
    if (base.protocol !== "https:") throw new Error(`the vault's URI ${vaultUri} is not https`);
    const url = new URL(`secrets/${encodeURIComponent(name)}`, base.href.endsWith("/") ? base : `${base.href}/`);
    url.searchParams.set("api-version", KEY_VAULT_DATA_API_VERSION);
    let response: PipelineResponse;
    try {
      response = await this.vaultPipeline.sendRequest(
        this.httpClient,
        createPipelineRequest({ url: url.href, method: "GET" }),
      );
    } catch (error) {
      throw toArmRequestError(error);
    }
    if (response.status === 404) return undefined;
    if (response.status >= 300) throw keyVaultError(response.status, response.bodyAsText);
    const body = JSON.parse(response.bodyAsText ?? "{}") as { value?: unknown; contentType?: unknown };
    if (typeof body.value !== "string") throw new Error(`Key Vault answered secret ${name} without a value`);
    return { value: body.value, ...(typeof body.contentType === "string" ? { contentType: body.contentType } : {}) };
  }

  private async send(
    method: "GET" | "PUT",
    path: string,
    apiVersion: string,
    body?: string,
  ): Promise<PipelineResponse> {
    const url = new URL(`${this.armEndpoint}${path}`);
    url.searchParams.set("api-version", apiVersion);
    const request = createPipelineRequest({ url: url.href, method, ...(body === undefined ? {} : { body }) });
    if (body !== undefined) request.headers.set("Content-Type", "application/json");
    try {
      return await this.client.sendRequest(request);
    } catch (error) {
      throw toArmRequestError(error);
    }
  }

  private async errorReport(name: string, deployment: DeploymentExtended): Promise<DeploymentErrorReport> {
    const failedOperations: FailedOperation[] = [];
    for await (const operation of this.client.deploymentOperations.listAtSubscriptionScope(name)) {
      const properties = operation.properties;
      if (properties?.provisioningState !== "Failed") continue;
      const target = properties.targetResource;
      const error = properties.statusMessage?.error;
      failedOperations.push({
        resourceType: target?.resourceType,
        resourceName: target?.resourceName,
        resourceId: target?.id,
        statusCode: properties.statusCode,
        ...(error ? { error: toArmErrorDetail(error) } : {}),
      });
    }
    const error = deployment.properties?.error;
    return { ...(error ? { error: toArmErrorDetail(error) } : {}), failedOperations };
  }

  /** Progress is advisory: a failed listing must not fail the deployment it describes. */
  private async reportProgress(name: string, onProgress: (operations: OperationProgress[]) => void): Promise<void> {
    const operations: OperationProgress[] = [];
    try {
      for await (const operation of this.client.deploymentOperations.listAtSubscriptionScope(name)) {
        const p = operation.properties;
        operations.push({
          resourceType: p?.targetResource?.resourceType,
          resourceName: p?.targetResource?.resourceName,
          provisioningState: p?.provisioningState,
          statusCode: p?.statusCode,
        });
      }
    } catch {
      return;
    }
    onProgress(operations);
  }
}
