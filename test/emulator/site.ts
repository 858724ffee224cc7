// CodeMie's public edge as a browser without a session meets it (ingress-nginx, oauth2-proxy,
// Keycloak), for the smoke check: the UI and the API redirect to the sign-in gate, Keycloak
// serves its realm's discovery document with the issuer KC_HOSTNAME gives it, and
// /oauth2/start redirects to Keycloak's login. `breaks` turns one link into what a broken
// deployment answers (a 502 from nginx with no upstream, a wrong issuer, a 404 realm).
import type { IncomingMessage, ServerResponse } from "node:http";

export type SiteBreak = "ui" | "api" | "issuer" | "realm" | "signin";

export interface SiteScript {
  realm: string;
  breaks?: readonly SiteBreak[];
}

export function handleSite(req: IncomingMessage, res: ServerResponse, script: SiteScript): void {
  const host = String(req.headers.host ?? "");
  const base = `https://${host}`;
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  const broken = (b: SiteBreak) => script.breaks?.includes(b) === true;
  const signIn = `${base}/oauth2/start?rd=${encodeURIComponent(req.url ?? "/")}`;
  const send = (status: number, headers: Record<string, string>, body = "") => {
    res.writeHead(status, headers);
    res.end(body);
  };
  const realmPath = `/keycloak/realms/${script.realm}`;
  if (req.method !== "GET") return send(405, {});
  if (path === "/")
    return broken("ui")
      ? send(502, { "content-type": "text/html" }, "<h1>502 Bad Gateway</h1>")
      : send(302, { location: signIn });
  if (path.startsWith("/code-assistant-api/"))
    return broken("api")
      ? send(502, { "content-type": "text/html" }, "<h1>502 Bad Gateway</h1>")
      : send(302, { location: signIn });
  if (path === `${realmPath}/.well-known/openid-configuration`) {
    if (broken("realm"))
      return send(404, { "content-type": "application/json" }, JSON.stringify({ error: "Realm does not exist" }));
    const issuer = broken("issuer")
      ? `http://keycloakx-http.security.svc.cluster.local${realmPath}`
      : `${base}${realmPath}`;
    return send(
      200,
      { "content-type": "application/json" },
      JSON.stringify({
        issuer,
        authorization_endpoint: `${issuer}/protocol/openid-connect/auth`,
        token_endpoint: `${issuer}/protocol/openid-connect/token`,
      }),
    );
  }
  if (path === "/oauth2/start") {
    if (broken("signin")) return send(500, { "content-type": "text/html" }, "Internal Server Error");
    return send(302, {
      location: `${base}${realmPath}/protocol/openid-connect/auth?client_id=codemie&response_type=code&state=x`,
    });
  }
  return send(404, {});
}
