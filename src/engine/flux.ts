// Reading an environment's fluxConfiguration: which commit Flux has synced, whether everything it
// applied is Compliant, and a line per object for the user. Pure; the wait loop is in flux-wait.ts.

export interface FluxObject {
  kind: string;
  namespace: string;
  name: string;
  complianceState: string;
  /** The Ready condition's reason and message, when Flux gave one. */
  reason?: string;
  message?: string;
}

export interface FluxView {
  provisioningState?: string;
  complianceState: string;
  /** As Azure reports it: "branch/sha" or "branch@sha1:sha". */
  sourceSyncedCommitId?: string;
  errorMessage?: string;
  objects: FluxObject[];
}

interface RawCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

interface RawFluxConfiguration {
  properties?: {
    provisioningState?: string;
    complianceState?: string;
    sourceSyncedCommitId?: string;
    errorMessage?: string;
    statuses?: { kind?: string; name?: string; namespace?: string; complianceState?: string; statusConditions?: RawCondition[] | null }[] | null;
  };
}

export function readFluxView(raw: unknown): FluxView {
  const p = (raw as RawFluxConfiguration | undefined)?.properties ?? {};
  const objects = (p.statuses ?? []).map((s): FluxObject => {
    const ready = (s.statusConditions ?? []).find((c) => c.type === "Ready");
    return {
      kind: s.kind ?? "Object",
      namespace: s.namespace ?? "",
      name: s.name ?? "",
      complianceState: s.complianceState ?? "Unknown",
      ...(ready?.reason ? { reason: ready.reason } : {}),
      ...(ready?.message ? { message: ready.message } : {}),
    };
  });
  return {
    ...(p.provisioningState ? { provisioningState: p.provisioningState } : {}),
    complianceState: p.complianceState ?? "Unknown",
    ...(p.sourceSyncedCommitId ? { sourceSyncedCommitId: p.sourceSyncedCommitId } : {}),
    ...(p.errorMessage ? { errorMessage: p.errorMessage } : {}),
    objects,
  };
}

/** The commit hash at the end of a sourceSyncedCommitId, in any of its formats. */
export function syncedCommit(view: FluxView): string | undefined {
  return /([0-9a-f]{40}|[0-9a-f]{64})$/i.exec(view.sourceSyncedCommitId ?? "")?.[1]?.toLowerCase();
}

export function isReconciled(view: FluxView, commit: string): boolean {
  return syncedCommit(view) === commit.toLowerCase() && view.complianceState === "Compliant";
}

export function nonCompliantObjects(view: FluxView): FluxObject[] {
  return view.objects.filter((o) => o.complianceState !== "Compliant");
}

export function objectKey(o: FluxObject): string {
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`;
}

export function objectLine(o: FluxObject): string {
  const why = [o.reason, o.message].filter((s) => s !== undefined && s !== "").join(": ");
  return `${objectKey(o)}: ${o.complianceState}${why && o.complianceState !== "Compliant" ? ` (${why})` : ""}`;
}

export function summaryLine(view: FluxView): string {
  const synced = view.sourceSyncedCommitId ?? "nothing yet";
  const error = view.errorMessage ? `; ${view.errorMessage}` : "";
  return `Flux: ${view.complianceState}, synced ${synced}${view.provisioningState ? `, provisioning ${view.provisioningState}` : ""}${error}`;
}
