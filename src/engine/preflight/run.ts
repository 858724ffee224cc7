// Runs the preflight: reads the facts through a port, judges them, and positions each finding at
// the environment field to change (FILE:LINE:COL, from the loader's source map).
import type { Diagnostic } from "../../config/diagnostics.js";
import { dotted, sortDiagnostics } from "../../config/diagnostics.js";
import type { Environment } from "../../model/environment.js";
import type { PreflightFacts } from "./facts.js";
import { certificateNote } from "./certificate.js";
import { checkOperatorSecrets, evaluatePreflight, type Finding } from "./evaluate.js";
import type { FieldPath, PreflightNeeds } from "./needs.js";

/** Reads what Azure has for these needs (src/adapters/azure/preflight-reads.ts). */
export interface PreflightReads {
  read(env: Environment, needs: PreflightNeeds): Promise<PreflightFacts>;
  /** The Key Vault alone: does it exist, which operator secrets does it hold (names, never values). */
  vault(env: Environment, needs: PreflightNeeds): Promise<PreflightFacts["vault"]>;
}

/** Position of a field in the environment file, falling back to the nearest ancestor written. */
export type Locate = (path: FieldPath) => { line: number; column: number };

export type PreflightReport =
  | {
      status: "checked";
      diagnostics: Diagnostic[];
      /** false when the Key Vault does not exist yet */ secretsChecked: boolean;
      /** What could not be checked and why (the certificate's content without the data role): said, not refused. */
      notes: string[];
    }
  | { status: "error"; message: string };

/** Each finding at the environment field it names. */
function positioned(env: Environment, findings: readonly Finding[], locate: Locate): Diagnostic[] {
  return findings.map((f) => ({
    file: env.file,
    ...locate(f.path),
    severity: f.severity,
    path: dotted(f.path),
    message: f.message,
  }));
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export async function runPreflight(
  env: Environment,
  needs: PreflightNeeds,
  reads: PreflightReads,
  locate: Locate = () => ({ line: 1, column: 1 }),
): Promise<PreflightReport> {
  let facts: PreflightFacts;
  try {
    facts = await reads.read(env, needs);
  } catch (error) {
    return { status: "error", message: `cannot read what Azure offers for the preflight: ${messageOf(error)}` };
  }
  const diagnostics = positioned(env, evaluatePreflight(env, needs, facts), locate);
  return {
    status: "checked",
    diagnostics: sortDiagnostics(diagnostics),
    secretsChecked: facts.vault.exists,
    notes: notesOf(env, facts.vault),
  };
}

/**
 * Before the first deploy the vault does not exist: once bootstrap created it, the operator's secrets are checked
 * again.
 */
export async function recheckOperatorSecrets(
  env: Environment,
  needs: PreflightNeeds,
  reads: PreflightReads,
  locate: Locate = () => ({ line: 1, column: 1 }),
): Promise<PreflightReport> {
  let vault: PreflightFacts["vault"];
  try {
    vault = await reads.vault(env, needs);
  } catch (error) {
    return { status: "error", message: `cannot read Key Vault ${env.names.keyVault}: ${messageOf(error)}` };
  }
  const diagnostics = positioned(env, checkOperatorSecrets(env, needs, vault), locate);
  return { status: "checked", diagnostics, secretsChecked: vault.exists, notes: notesOf(env, vault) };
}

function notesOf(env: Environment, vault: PreflightFacts["vault"]): string[] {
  const note = certificateNote(env, vault.certificate);
  return note ? [note] : [];
}
