// A loopback HTTPS stand-in for Entra ID, the GitHub Actions OIDC endpoint and the slice of ARM the
// deploy engine uses. Every request is recorded (never with its bearer token), and tests script
// how operations unfold and which faults to inject.
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import type { Certificate } from "./certificate.js";
import { processCertificate } from "./certificate.js";
import type { Identity, Reply, RequestContext, Route } from "./context.js";
import { EmulatorState, armError, newId } from "./context.js";
import { deploymentRoutes } from "./deployments.js";
import { fluxRoutes } from "./flux.js";
import type { FluxConfigurationPut } from "./flux-settings.js";
import { identityRoutes, mintIdToken } from "./identity.js";
import { keyVaultDataRoutes } from "./keyvault-data.js";
import { preflightData, preflightRoutes } from "./preflight.js";
import type { PreflightData } from "./preflight-data.js";
import { resourceRoutes, secretKey } from "./resources.js";
import type { Fault, FaultResponse, ScenarioPatch } from "./scenario.js";
import { applyPatch } from "./scenario.js";
import { handleSite, type SiteBreak } from "./site.js";

/** The shipped environments' and fixtures' hosts (and tests' variants): the emulator also plays their public edge. */
const SITE_DOMAIN = ".example.com";
const SITE_CERT_NAMES = ["*.example.com", "*.ai.example.com", "*.dev.ai.example.com", "*.staging.ai.example.com"];

export interface RecordedRequest {
  method: string;
  path: string;
  /** Search string including "?", or "". */
  query: string;
  /** performance.now() when the request arrived. */
  at: number;
  /** 0 when the emulator dropped the connection. */
  status: number;
  /** Retry-After (seconds) the answer asked for, if any: what the client's next poll must wait. */
  retryAfter?: number;
  /** Sequence number of the access token presented; the token itself is never recorded. */
  token?: number;
  fault?: boolean;
  /** Request headers without Authorization. */
  headers: Record<string, string>;
}

export interface EmulatorOptions {
  port?: number;
  tenantId?: string;
  clientId?: string;
  subscriptionId?: string;
  federatedSubject?: string;
}

// The preflight's cluster route comes before the scripted resources': it serves both (see preflight.ts).
const routes: Route[] = [
  ...identityRoutes,
  ...keyVaultDataRoutes,
  ...deploymentRoutes,
  ...preflightRoutes,
  ...resourceRoutes,
  ...fluxRoutes,
];
const faultCodes: Record<number, string> = {
  429: "TooManyRequests",
  500: "InternalServerError",
  503: "ServiceUnavailable",
};

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function bearerOf(req: IncomingMessage): string | undefined {
  return /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
}

function faultReply(respond: Exclude<FaultResponse, "drop">): Reply {
  const code = faultCodes[respond.status] ?? "EmulatedFault";
  const headers = respond.retryAfter === undefined ? undefined : { "Retry-After": String(respond.retryAfter) };
  return armError(respond.status, code, `Emulated ${respond.status} fault.`, headers);
}

export class AzureEmulator {
  readonly requests: RecordedRequest[] = [];
  /** Paths the smoke check asked of the public edge (any Host but the emulator's own). */
  readonly siteRequests: string[] = [];
  /** Links of the public edge that answer as a broken deployment would. */
  siteBreaks: SiteBreak[] = [];
  private state = new EmulatorState();
  private readonly faultUse = new WeakMap<Fault, { matched: number; fired: number }>();

  private constructor(
    private readonly server: Server,
    private readonly certificate: Certificate,
    readonly url: string,
    readonly identity: Identity,
  ) {}

  static async start(options: EmulatorOptions = {}): Promise<AzureEmulator> {
    const certificate = await processCertificate(SITE_CERT_NAMES);
    const server = createServer({ key: certificate.keyPem, cert: certificate.certPem });
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const identity: Identity = {
      tenantId: options.tenantId ?? "11111111-1111-4111-8111-111111111111",
      clientId: options.clientId ?? "22222222-2222-4222-8222-222222222222",
      subscriptionId: options.subscriptionId ?? "33333333-3333-4333-8333-333333333333",
      oidcRequestToken: randomBytes(16).toString("hex"),
      federatedSubject: options.federatedSubject ?? "repo:codemie/codemie-gitops:environment:dev",
      federatedAudience: "api://AzureADTokenExchange",
      signingSecret: randomBytes(32),
    };
    const emulator = new AzureEmulator(server, certificate, `https://127.0.0.1:${port}`, identity);
    server.on("request", (req: IncomingMessage, res: ServerResponse) => {
      emulator.handle(req, res).catch((error: unknown) => {
        res
          .writeHead(500, { "Content-Type": "application/json" })
          .end(JSON.stringify({ error: { code: "EmulatorBug", message: String(error) } }));
      });
    });
    return emulator;
  }

  /** The self-signed certificate, to pass as `ca` / `tlsOptions.ca`. */
  get caPem(): string {
    return this.certificate.certPem;
  }

  /** The certificate file, for NODE_EXTRA_CA_CERTS in child processes. */
  get caPath(): string {
    return this.certificate.certPath;
  }

  /** ACTIONS_ID_TOKEN_REQUEST_URL: clients append `&audience=…`, so it already has a query. */
  get oidcRequestUrl(): string {
    return `${this.url}/_apis/idtoken?api-version=2.0`;
  }

  get idTokensIssued(): number {
    return this.state.idTokensIssued;
  }

  get accessTokensIssued(): number {
    return this.state.accessTokens.size;
  }

  /** Merges into the current scenario; faults and flux scripts accumulate until reset(). */
  script(patch: ScenarioPatch): void {
    this.state.scenario = applyPatch(this.state.scenario, patch);
  }

  /** Forgets all state, requests and scripting (tokens issued so far become invalid). */
  reset(): void {
    this.state = new EmulatorState();
    this.requests.length = 0;
    this.siteRequests.length = 0;
    this.siteBreaks = [];
  }

  /** An ID token as the GitHub OIDC endpoint would issue, e.g. for a federated token file. */
  issueIdToken(audience = this.identity.federatedAudience): string {
    return mintIdToken(this.identity, this.state, audience);
  }

  /**
   * What the subscription offers (quota, SKUs, versions, providers), for tests to edit; reset() restores the defaults.
   */
  get preflight(): PreflightData {
    return preflightData(this.state);
  }

  /** A secret an operator uploaded out of band (no request recorded). */
  putSecret(vaultId: string, name: string, value: string, contentType?: string): void {
    this.state.secrets.set(secretKey(vaultId, name), {
      value,
      updated: new Date(),
      ...(contentType ? { contentType } : {}),
    });
  }

  secretValue(vaultId: string, name: string): string | undefined {
    return this.state.secrets.get(secretKey(vaultId, name))?.value;
  }

  /**
   * What the last successful PUT of a fluxConfiguration carried, protected settings included (which no GET returns).
   */
  fluxConfigurationPut(name: string): FluxConfigurationPut | undefined {
    return this.state.fluxConfigurations.get(name.toLowerCase());
  }

  armRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path.toLowerCase().startsWith("/subscriptions/"));
  }

  /** What a shell needs to point the CLI at this emulator. */
  env(): Record<string, string> {
    return {
      AZURE_RESOURCE_MANAGER_ENDPOINT: this.url,
      AZURE_AUTHORITY_HOST: this.url,
      AZURE_TENANT_ID: this.identity.tenantId,
      AZURE_CLIENT_ID: this.identity.clientId,
      AZURE_SUBSCRIPTION_ID: this.identity.subscriptionId,
      ACTIONS_ID_TOKEN_REQUEST_URL: this.oidcRequestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: this.identity.oidcRequestToken,
      NODE_EXTRA_CA_CERTS: this.caPath,
      // The smoke check reaches the environment's host here, never through real DNS.
      CODEMIE_SITE_ADDRESS: new URL(this.url).host,
    };
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
    await this.certificate.dispose();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (String(req.headers.host ?? "").endsWith(SITE_DOMAIN)) {
      this.siteRequests.push(req.url ?? "/");
      handleSite(req, res, { realm: "codemie-prod", breaks: this.siteBreaks });
      return;
    }
    const at = performance.now();
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", this.url);
    const method = (req.method ?? "GET").toUpperCase();
    const { authorization: _omitted, ...headers } = req.headers;
    const bearer = bearerOf(req);
    const token = bearer === undefined ? undefined : this.state.accessTokens.get(bearer)?.id;
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: url.search,
      at,
      status: 0,
      ...(token === undefined ? {} : { token }),
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)])),
    };
    this.requests.push(record);

    const fault = this.takeFault(method, url);
    if (fault) {
      record.fault = true;
      if (fault.respond === "drop") {
        req.socket.destroy();
        return;
      }
      this.send(res, record, faultReply(fault.respond), true);
      return;
    }

    // The SDK lists deployments at ".../deployments/"; ARM ignores a trailing slash.
    const path = url.pathname.replace(/(.)\/+$/, "$1");
    for (const route of routes) {
      const match = route.pattern.exec(path);
      if (!match || !route.methods.includes(method)) continue;
      const ctx: RequestContext = {
        method,
        url,
        params: { ...match.groups },
        headers: req.headers,
        body,
        baseUrl: this.url,
        identity: this.identity,
        state: this.state,
      };
      this.send(res, record, (route.arm && this.armGate(ctx, bearer)) || route.handle(ctx), route.arm);
      return;
    }
    this.send(
      res,
      record,
      armError(404, "NoEmulatedRoute", `The emulator has no route for ${method} ${url.pathname}.`),
      false,
    );
  }

  private takeFault(method: string, url: URL): Fault | undefined {
    return this.state.scenario.faults.find((fault) => {
      if (fault.method && fault.method.toUpperCase() !== method) return false;
      const target = `${url.pathname}${url.search}`;
      if (typeof fault.path === "string" && !url.pathname.toLowerCase().includes(fault.path.toLowerCase()))
        return false;
      if (fault.path instanceof RegExp && !fault.path.test(target)) return false;
      const use = this.faultUse.get(fault) ?? { matched: 0, fired: 0 };
      this.faultUse.set(fault, use);
      use.matched += 1;
      if (use.matched <= (fault.skip ?? 0) || use.fired >= (fault.times ?? 1)) return false;
      use.fired += 1;
      return true;
    });
  }

  /** What real ARM checks before routing: a valid token for its audience, api-version, the subscription. */
  private armGate(ctx: RequestContext, bearer: string | undefined): Reply | undefined {
    const challenge = (description: string): Record<string, string> => ({
      "WWW-Authenticate":
        `Bearer authorization_uri="${this.url}/${this.identity.tenantId}", ` +
        `error="invalid_token", error_description="${description}"`,
    });
    const record = bearer === undefined ? undefined : this.state.accessTokens.get(bearer);
    if (!record) {
      const message =
        bearer === undefined ? "The request is missing the Authorization header." : "The access token is invalid.";
      return armError(
        401,
        bearer === undefined ? "AuthenticationFailed" : "InvalidAuthenticationToken",
        message,
        challenge(message),
      );
    }
    if (record.expiresAt <= Date.now()) {
      const message = "The access token has expired.";
      return armError(401, "ExpiredAuthenticationToken", message, challenge(message));
    }
    if (record.audience.replace(/\/+$/, "") !== this.url) {
      const message = `The access token audience '${record.audience}' is not this resource manager.`;
      return armError(401, "InvalidAuthenticationTokenAudience", message, challenge(message));
    }
    if (!ctx.url.searchParams.get("api-version")) {
      return armError(
        400,
        "MissingApiVersionParameter",
        "The api-version query parameter (?api-version=) is required for all requests.",
      );
    }
    if (ctx.params.sub !== undefined && ctx.params.sub !== this.identity.subscriptionId) {
      return armError(404, "SubscriptionNotFound", `The subscription '${ctx.params.sub}' could not be found.`);
    }
    return undefined;
  }

  private send(res: ServerResponse, record: RecordedRequest, reply: Reply, arm: boolean): void {
    record.status = reply.status;
    const headers: Record<string, string> = { ...reply.headers };
    const retryAfter = Number(headers["Retry-After"]);
    if (Number.isFinite(retryAfter)) record.retryAfter = retryAfter;
    if (arm) {
      headers["x-ms-request-id"] = newId();
      headers["x-ms-correlation-request-id"] = newId();
      headers[
        record.method === "GET"
          ? "x-ms-ratelimit-remaining-subscription-reads"
          : "x-ms-ratelimit-remaining-subscription-writes"
      ] = "11999";
    }
    const hasBody = reply.body !== undefined && record.method !== "HEAD" && reply.status !== 204;
    if (hasBody) headers["Content-Type"] = "application/json; charset=utf-8";
    res.writeHead(reply.status, headers).end(hasBody ? JSON.stringify(reply.body) : undefined);
  }
}
