// Entra ID (OpenID discovery + client-credentials token endpoint) and the GitHub Actions OIDC
// endpoint. Access tokens are opaque and remembered, so ARM routes can check audience and expiry.
import { randomUUID } from "node:crypto";
import type { EmulatorState, Identity, Reply, RequestContext, Route } from "./context.js";
import { signJwt, verifyJwt } from "./jwt.js";

const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";

function entraError(status: number, error: string, code: number, description: string): Reply {
  return {
    status,
    body: { error, error_description: `AADSTS${code}: ${description}`, error_codes: [code], trace_id: randomUUID() },
  };
}

export function mintIdToken(identity: Identity, state: EmulatorState, audience: string): string {
  const now = Math.floor(Date.now() / 1000);
  state.idTokensIssued += 1;
  return signJwt(
    {
      iss: GITHUB_ISSUER,
      aud: audience,
      sub: identity.federatedSubject,
      iat: now,
      nbf: now,
      exp: now + state.scenario.idTokenLifetimeSeconds,
      jti: randomUUID(),
      repository: "codemie/codemie-gitops",
      ref: "refs/heads/main",
      run_id: String(state.idTokensIssued),
    },
    identity.signingSecret,
  );
}

function openIdConfiguration(ctx: RequestContext): Reply {
  const tenant = ctx.params.tenant ?? "";
  if (tenant !== ctx.identity.tenantId)
    return entraError(400, "invalid_tenant", 90002, `Tenant '${tenant}' not found.`);
  const authority = `${ctx.baseUrl}/${tenant}`;
  return {
    status: 200,
    body: {
      // msal-common rejects an issuer whose origin differs from the authority's.
      issuer: `${authority}/v2.0`,
      authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
      token_endpoint: `${authority}/oauth2/v2.0/token`,
      jwks_uri: `${authority}/discovery/v2.0/keys`,
      response_types_supported: ["code", "id_token", "token"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
    },
  };
}

function assertionProblem(ctx: RequestContext, assertion: string): Reply | undefined {
  const claims = verifyJwt(assertion, ctx.identity.signingSecret);
  if (!claims)
    return entraError(
      401,
      "invalid_client",
      50027,
      "Invalid JWT token: the assertion was not issued by the trusted issuer.",
    );
  if (claims.aud !== ctx.identity.federatedAudience) {
    return entraError(
      400,
      "invalid_request",
      700212,
      `No matching federated identity record found for presented assertion audience '${String(claims.aud)}'.`,
    );
  }
  if (claims.sub !== ctx.identity.federatedSubject) {
    return entraError(
      400,
      "invalid_request",
      700213,
      `No matching federated identity record found for presented assertion subject '${String(claims.sub)}'.`,
    );
  }
  if (typeof claims.exp !== "number" || claims.exp * 1000 <= Date.now()) {
    return entraError(400, "invalid_client", 700024, "Client assertion is not within its valid time range.");
  }
  return undefined;
}

function issueAccessToken(ctx: RequestContext): Reply {
  const tenant = ctx.params.tenant ?? "";
  if (tenant !== ctx.identity.tenantId)
    return entraError(400, "invalid_request", 90002, `Tenant '${tenant}' not found.`);
  const form = new URLSearchParams(ctx.body);
  if (form.has("client_secret"))
    return entraError(401, "invalid_client", 7000215, "This emulator trusts federated assertions only.");
  if (form.get("grant_type") !== "client_credentials")
    return entraError(400, "unsupported_grant_type", 70003, "Only client_credentials is supported.");
  if (form.get("client_id") !== ctx.identity.clientId) {
    return entraError(
      400,
      "unauthorized_client",
      700016,
      `Application with identifier '${form.get("client_id") ?? ""}' was not found.`,
    );
  }
  if (form.get("client_assertion_type") !== JWT_BEARER)
    return entraError(400, "invalid_request", 90014, "A client_assertion is required.");
  const problem = assertionProblem(ctx, form.get("client_assertion") ?? "");
  if (problem) return problem;
  const scope = (form.get("scope") ?? "").split(" ").find((s) => s.endsWith("/.default"));
  if (!scope) return entraError(400, "invalid_scope", 1002012, "The provided value for scope is not valid.");

  const lifetime = ctx.state.scenario.accessTokenLifetimeSeconds;
  const id = ctx.state.accessTokens.size + 1;
  const token = `emu.${id}.${randomUUID()}`;
  ctx.state.accessTokens.set(token, {
    id,
    audience: scope.slice(0, -"/.default".length),
    expiresAt: Date.now() + lifetime * 1000,
  });
  return {
    status: 200,
    body: { token_type: "Bearer", expires_in: lifetime, ext_expires_in: lifetime, access_token: token },
  };
}

function issueGitHubIdToken(ctx: RequestContext): Reply {
  if (ctx.headers.authorization !== `Bearer ${ctx.identity.oidcRequestToken}`) {
    return { status: 401, body: { message: "Bad credentials" } };
  }
  const audience = ctx.url.searchParams.get("audience") ?? "https://github.com/codemie";
  return { status: 200, body: { value: mintIdToken(ctx.identity, ctx.state, audience) } };
}

export const identityRoutes: Route[] = [
  { methods: ["GET"], pattern: /^\/_apis\/idtoken$/i, arm: false, handle: issueGitHubIdToken },
  {
    methods: ["GET"],
    pattern: /^\/(?<tenant>[^/]+)\/v2\.0\/\.well-known\/openid-configuration$/i,
    arm: false,
    handle: openIdConfiguration,
  },
  { methods: ["POST"], pattern: /^\/(?<tenant>[^/]+)\/oauth2\/v2\.0\/token$/i, arm: false, handle: issueAccessToken },
];
