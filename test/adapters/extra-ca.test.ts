// The extra CA of the Azure clients, built once per process: a server whose chain leads to that CA
// is trusted (by node:https and by the SDK's HTTP client), and TLS is still verified: another CA's
// chain and a certificate for another name are refused.
import { createDefaultHttpClient, createPipelineRequest } from "@azure/core-rest-pipeline";
import { createServer, request, type RequestOptions, type Server } from "node:https";
import type { ConnectionOptions } from "node:tls";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { sdkTlsWithExtraCa, withExtraCa } from "../../src/adapters/extra-ca.js";
import { createPki, type Pki } from "../support/tls-pki.js";

let pki: Pki;
let other: Pki;
const servers: Server[] = [];

/** An HTTPS server on loopback presenting a leaf for `names`, issued by `issuer`'s intermediate. */
async function serve(issuer: Pki, names: string[]): Promise<string> {
  const leaf = await issuer.leaf({ dnsNames: names });
  const server = createServer({ cert: leaf.certPem + issuer.intermediate.certPem, key: leaf.keyPem }, (_, res) =>
    res.end("ok"),
  );
  servers.push(server);
  // Loopback by name: the server and the clients resolve localhost alike.
  await new Promise<void>((resolve) => server.listen(0, "localhost", resolve));
  return `https://localhost:${(server.address() as AddressInfo).port}/`;
}

function get(url: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // As src/adapters/azure/github-oidc.ts asks (node:https takes tls.connect's options).
    const options: RequestOptions & ConnectionOptions = { secureContext: withExtraCa(ca), agent: false };
    const req = request(url, options, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve(body));
    });
    req.on("error", reject);
    req.end();
  });
}

beforeAll(async () => {
  [pki, other] = await Promise.all([createPki(), createPki()]);
});
afterAll(async () => {
  for (const server of servers) server.close();
  await Promise.all([pki.dispose(), other.dispose()]);
});

describe("extra CA", () => {
  test("is one secure context per CA for the process", () => {
    expect(withExtraCa(pki.root.certPem)).toBe(withExtraCa(pki.root.certPem));
    expect(withExtraCa(other.root.certPem)).not.toBe(withExtraCa(pki.root.certPem));
  });

  test("trusts a chain to the CA over node:https, refuses another CA's and another name", async () => {
    const url = await serve(pki, ["localhost"]);
    await expect(get(url, pki.root.certPem)).resolves.toBe("ok");
    await expect(get(url, other.root.certPem)).rejects.toThrow(/issuer certificate|self.signed|certificate/i);
    const misnamed = await serve(pki, ["elsewhere.example.test"]);
    await expect(get(misnamed, pki.root.certPem)).rejects.toThrow(/altnames|does not match/i);
  });

  test("the SDK's HTTP client trusts the same chain and refuses another CA's", async () => {
    const url = await serve(pki, ["localhost"]);
    const client = createDefaultHttpClient();
    // As the SDK's TLS policy does: the settings go on the request.
    const byName = (ca: string) => {
      const sent = createPipelineRequest({ url });
      sent.tlsSettings = sdkTlsWithExtraCa(ca);
      return client.sendRequest(sent);
    };
    const trusted = await byName(pki.root.certPem);
    expect(trusted.status).toBe(200);
    expect(trusted.bodyAsText).toBe("ok");
    await expect(byName(other.root.certPem)).rejects.toThrow(/issuer certificate|self.signed|certificate/i);
  });
});
