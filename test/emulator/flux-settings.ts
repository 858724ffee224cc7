// What ARM hands the Flux extension's resource provider on the PUT of a fluxConfiguration inside a
// deployment: Key Vault parameter references resolved (or the deployment refused, as ARM refuses
// a reference it cannot read), then configurationProtectedSettings evaluated. The provider wants
// every protected value base64-encoded and takes only the keys it knows; it keeps them write-only,
// so a GET never returns them (flux.ts), only the public half of an SSH key as repositoryPublicKey.
import { createPrivateKey } from "node:crypto";
import type { EmulatorState } from "./context.js";
import { evaluate, Unsupported } from "./expressions.js";
import { secretKey } from "./resources.js";
import type { ArmErrorBody, FailedOperationScript } from "./scenario.js";
import { declaredResources, isRecord, nestedScopes } from "./templates.js";

export const FLUX_TYPE = "Microsoft.KubernetesConfiguration/fluxConfigurations";
const PROTECTED_KEYS = ["sshPrivateKey", "httpsUser", "httpsKey", "httpsCACert"];

/** A fluxConfiguration as its PUT arrived at the resource provider. */
export interface FluxConfigurationPut {
  name: string;
  url?: string;
  /** base64 known_hosts, when given. */
  sshKnownHosts?: string;
  /** Protected settings as sent: base64 values. Never returned by a GET. */
  protectedSettings: Record<string, string>;
}

type Resolved = { parameters: Record<string, unknown> } | { error: ArmErrorBody };

/** Parameters with each `{ reference: { keyVault: { id }, secretName } }` replaced by the secret's value. */
export function resolveKeyVaultReferences(state: EmulatorState, parameters: Record<string, unknown>): Resolved {
  const out: Record<string, unknown> = {};
  for (const [name, parameter] of Object.entries(parameters)) {
    const reference = isRecord(parameter) && isRecord(parameter.reference) ? parameter.reference : undefined;
    if (!reference) {
      out[name] = parameter;
      continue;
    }
    const vault = isRecord(reference.keyVault) ? String(reference.keyVault.id) : "";
    const secretName = String(reference.secretName);
    const secret = state.secrets.get(secretKey(vault, secretName));
    if (!secret) {
      return {
        error: {
          code: "KeyVaultParameterReferenceSecretRetrieveFailed",
          message:
            `The secret of KeyVault parameter '${name}' cannot be retrieved. Http ` +
            `status code: 'NotFound'. Error message: 'A secret with (name/id) ` +
            `${secretName} was not found in this key vault. If you recently deleted ` +
            `this secret you may be able to recover it using the correct recovery ` +
            `command.'`,
        },
      };
    }
    out[name] = { value: secret.value };
  }
  return { parameters: out };
}

const stringOf = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;

/** Every fluxConfiguration the deployment PUTs, with the settings ARM evaluated for it. */
export function fluxConfigurationPuts(
  template: Record<string, unknown>,
  parameters: Record<string, unknown>,
): FluxConfigurationPut[] {
  const puts: FluxConfigurationPut[] = [];
  for (const scope of nestedScopes({ template, parameters })) {
    for (const { resource } of declaredResources(scope.template)) {
      if (String(resource.type).toLowerCase() !== FLUX_TYPE.toLowerCase()) continue;
      try {
        const name = String(evaluate(resource.name, scope));
        // Only what the checks read: the kustomizations' lambdas are beyond this evaluator.
        const properties = isRecord(resource.properties) ? resource.properties : {};
        const git = isRecord(properties.gitRepository) ? properties.gitRepository : {};
        const evaluated = evaluate(properties.configurationProtectedSettings, scope);
        const settings = isRecord(evaluated) ? evaluated : {};
        const url = stringOf(evaluate(git.url, scope));
        const sshKnownHosts = stringOf(evaluate(git.sshKnownHosts, scope));
        puts.push({
          name,
          ...(url ? { url } : {}),
          ...(sshKnownHosts ? { sshKnownHosts } : {}),
          protectedSettings: Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)])),
        });
      } catch (error) {
        if (!(error instanceof Unsupported)) throw error;
        throw new Error(`the emulator cannot evaluate fluxConfiguration ${String(resource.name)}: ${error.message}`);
      }
    }
  }
  return puts;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const decode = (value: string): string => Buffer.from(value, "base64").toString("utf8");

/** The public half of an OpenSSH private key, as an authorized_keys line without comment. */
export function publicKeyOf(openssh: string): string | undefined {
  const body = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]+?)-----END OPENSSH PRIVATE KEY-----/.exec(openssh)?.[1];
  if (!body) return undefined;
  const bytes = Buffer.from(body.replace(/\s+/g, ""), "base64");
  const magic = "openssh-key-v1\0";
  if (bytes.subarray(0, magic.length).toString("binary") !== magic) return undefined;
  let at = magic.length;
  const next = (): Buffer => {
    const length = bytes.readUInt32BE(at);
    const value = bytes.subarray(at + 4, at + 4 + length);
    at += 4 + length;
    return value;
  };
  next(); // cipher
  next(); // kdf
  next(); // kdf options
  at += 4; // number of keys
  const blob = next();
  const type = blob.subarray(4, 4 + blob.readUInt32BE(0)).toString("utf8");
  return `${type} ${blob.toString("base64")}`;
}

/** What the Flux extension's provider refuses of a configuration's protected settings. */
export function fluxSettingsRefusal(put: FluxConfigurationPut): ArmErrorBody | undefined {
  const refuse = (message: string): ArmErrorBody => ({
    code: "InvalidConfigurationProtectedSettings",
    target: "properties.configurationProtectedSettings",
    message,
  });
  const settings = put.protectedSettings;
  for (const [key, value] of Object.entries(settings)) {
    if (!PROTECTED_KEYS.includes(key))
      return refuse(`'${key}' is not a protected setting of a GitRepository source; use ${PROTECTED_KEYS.join(", ")}`);
    if (!BASE64.test(value) || value === "") return refuse(`The value of '${key}' must be base64 encoded`);
  }
  if (put.sshKnownHosts !== undefined && !BASE64.test(put.sshKnownHosts))
    return {
      code: "InvalidGitRepository",
      target: "properties.gitRepository.sshKnownHosts",
      message: "sshKnownHosts must be base64 encoded",
    };
  const ssh = put.url?.startsWith("ssh://") === true;
  if (settings.sshPrivateKey !== undefined) {
    if (!ssh) return refuse("An SSH private key can only be used with an ssh:// repository URL");
    const key = decode(settings.sshPrivateKey);
    try {
      if (!publicKeyOf(key)) createPrivateKey(key);
    } catch {
      return refuse("The value of 'sshPrivateKey' is not a valid SSH private key");
    }
  }
  if (settings.httpsKey !== undefined) {
    if (ssh) return refuse("An HTTPS key can only be used with an https:// repository URL");
    if (settings.httpsUser === undefined) return refuse("'httpsUser' is required with 'httpsKey'");
  }
  return undefined;
}

/** The resource operations that fail on the provider's refusals. */
export function fluxFailures(puts: FluxConfigurationPut[]): FailedOperationScript[] {
  return puts.flatMap((put) => {
    const error = fluxSettingsRefusal(put);
    return error ? [{ resourceType: FLUX_TYPE, resourceName: put.name, statusCode: "BadRequest", error }] : [];
  });
}
