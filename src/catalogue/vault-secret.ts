// The shape of a Key Vault secret the workloads read, by name only (values never appear in this
// repository or the rendered tree). Row-owned secrets live in their component's descriptor;
// secrets.ts lists them all.

export interface SecretSpec {
  /** Secret name in the environment's Key Vault. */
  name: string;
  /** What it is for, one line. */
  purpose: string;
  /** `random`: the deploy step seeds it once; `operator`: a person uploads it. */
  seed: "random" | "operator";
  /** Shape a seeded value must have, when the consumer is picky. */
  format?: string;
  /** Read by the deployment (a Bicep parameter), by no object of the GitOps tree. */
  deployOnly?: true;
  /** Only needed when the ingress serves TLS. */
  tls?: true;
}
