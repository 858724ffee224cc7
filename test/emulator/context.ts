// Shared vocabulary of the emulator's route handlers: the identity it plays, its mutable state and
// the shape of a reply.
import { randomUUID } from "node:crypto";
import type { FluxConfigurationPut } from "./flux-settings.js";
import type { ArmErrorBody, Scenario } from "./scenario.js";
import { defaultScenario } from "./scenario.js";

export interface Identity {
  tenantId: string;
  clientId: string;
  subscriptionId: string;
  /** ACTIONS_ID_TOKEN_REQUEST_TOKEN the GitHub OIDC endpoint expects. */
  oidcRequestToken: string;
  /** `sub` of the issued ID tokens, which the federated credential must match. */
  federatedSubject: string;
  federatedAudience: string;
  signingSecret: Buffer;
}

export interface AccessTokenRecord {
  /** Sequence number, recorded instead of the token itself. */
  id: number;
  audience: string;
  expiresAt: number;
}

export interface SimulatedDeployment {
  name: string;
  location: string;
  template: Record<string, unknown>;
  parameters: Record<string, unknown>;
  operationId: string;
  correlationId: string;
  startedAt: Date;
  state: "Accepted" | "Running" | "Succeeded" | "Failed" | "Canceled";
  statusReads: number;
  script: Scenario["deployment"];
  /** The fluxConfigurations it PUTs, protected settings as ARM resolved them (never echoed). */
  flux: FluxConfigurationPut[];
}

export interface SimulatedWhatIf {
  template: Record<string, unknown>;
  parameters: Record<string, unknown>;
  reads: number;
  script: Scenario["whatIf"];
}

export class EmulatorState {
  scenario: Scenario = defaultScenario();
  readonly deployments = new Map<string, SimulatedDeployment>();
  readonly whatIfs = new Map<string, SimulatedWhatIf>();
  readonly resourceGroups = new Map<string, { name: string; location: string }>();
  readonly secrets = new Map<string, { value: string; contentType?: string; updated: Date }>();
  /** By configuration path: the commit last reported and the GETs since it changed. */
  readonly fluxSyncs = new Map<string, { commit: string | undefined; reads: number }>();
  /** By configuration name: what its last successful PUT carried. */
  readonly fluxConfigurations = new Map<string, FluxConfigurationPut>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  idTokensIssued = 0;
}

export interface RequestContext {
  method: string;
  url: URL;
  params: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  baseUrl: string;
  identity: Identity;
  state: EmulatorState;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  methods: string[];
  /** Matched case-insensitively against the path, as ARM does. */
  pattern: RegExp;
  /** ARM routes require api-version and a bearer token the emulator issued. */
  arm: boolean;
  handle(ctx: RequestContext): Reply;
}

export function armError(status: number, code: string, message: string, headers?: Record<string, string>): Reply {
  return { status, body: { error: { code, message } satisfies ArmErrorBody }, headers };
}

export function jsonBody<T>(ctx: RequestContext): T {
  return (ctx.body ? JSON.parse(ctx.body) : {}) as T;
}

export const apiVersionOf = (ctx: RequestContext): string => ctx.url.searchParams.get("api-version") ?? "";

export const newId = (): string => randomUUID();
