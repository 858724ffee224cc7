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
    statuses?:
      | {
          kind?: string;
          name?: string;
          namespace?: string;
          complianceState?: string;
          statusConditions?: RawCondition[] | null;
        }[]
      | null;
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
  return (
    `Flux: ${view.complianceState}, synced ${synced}` +
    `${view.provisioningState ? `, provisioning ${view.provisioningState}` : ""}` +
    `${error}`
  );
}

/**
 * One line on how far the layers have got, in apply order: how many are Compliant and which one
 * is being waited for (with Flux's reason), e.g. "Flux layers: 2 of 7 Compliant; waiting for
 * codemie-data (Progressing: ...)". Undefined until Flux reports any layer.
 */
export function layerProgress(view: FluxView, layers: readonly string[]): string | undefined {
  const byName = new Map(view.objects.filter((o) => o.kind === "Kustomization").map((o) => [o.name, o]));
  const seen = layers.filter((l) => byName.has(l));
  if (seen.length === 0) return undefined;
  const compliant = layers.filter((l) => byName.get(l)?.complianceState === "Compliant").length;
  const pending = layers.find((l) => byName.get(l)?.complianceState !== "Compliant");
  const current = pending === undefined ? undefined : byName.get(pending);
  const why = current ? [current.reason, current.message].filter((x) => x !== undefined && x !== "").join(": ") : "";
  const waiting =
    pending === undefined
      ? ""
      : current
        ? `; waiting for ${pending}${why ? ` (${why})` : ""}`
        : `; waiting for ${pending} to be applied`;
  return `Flux layers: ${compliant} of ${layers.length} Compliant${waiting}`;
}
