// Reads the resources day 2 compares with (day2.ts) through ARM GETs, with the API versions the
// templates deploy them with, so both sides speak of the same properties. A resource that does not
// exist yet reads as undefined: a first deploy has nothing to compare.
import type { Day2Expectations } from "../render/bicep/expectations.js";
import { DAY2_FILE } from "../render/bicep/expectations.js";
import { BICEP_DIR } from "../render/bicep/render.js";
import type { RenderedTree } from "../render/tree.js";
import { day2Report, type ArmResource, type Day2Report, type DeployedState } from "./day2.js";
import type { FluxArm } from "./ports.js";

/** api-versions of bicep/modules (postgres, aks, storage, network). */
export const DAY2_API_VERSIONS = {
  postgres: "2025-08-01",
  cluster: "2025-07-01",
  storageAccount: "2025-01-01",
  network: "2025-05-01",
  keyVault: "2025-05-01",
} as const;

export function day2Expectations(tree: RenderedTree): Day2Expectations {
  const text = tree.get(`${BICEP_DIR}/${DAY2_FILE}`);
  if (text === undefined) throw new Error(`the rendered tree has no ${BICEP_DIR}/${DAY2_FILE}`);
  return JSON.parse(text) as Day2Expectations;
}

export async function readDeployed(expect: Day2Expectations, arm: FluxArm): Promise<DeployedState> {
  const get = async (id: string, version: string) => (await arm.getJson(id, version)) as ArmResource;
  const gateway = expect.appGateway;
  const firewall = expect.egress.firewall;
  const [
    postgres,
    cluster,
    storageAccount,
    natGateway,
    natPublicIp,
    encryptionKey,
    appGateway,
    appGatewaySubnet,
    egressFirewall,
  ] = await Promise.all([
    get(expect.postgres.id, DAY2_API_VERSIONS.postgres),
    get(expect.cluster.id, DAY2_API_VERSIONS.cluster),
    get(expect.storageAccount.id, DAY2_API_VERSIONS.storageAccount),
    get(expect.natGateway.id, DAY2_API_VERSIONS.network),
    get(expect.natPublicIp.id, DAY2_API_VERSIONS.network),
    get(expect.encryptionKey.id, DAY2_API_VERSIONS.keyVault),
    gateway ? get(gateway.id, DAY2_API_VERSIONS.network) : undefined,
    gateway ? get(gateway.subnetId, DAY2_API_VERSIONS.network) : undefined,
    firewall ? get(firewall.id, DAY2_API_VERSIONS.network) : undefined,
  ]);
  return {
    postgres,
    cluster,
    storageAccount,
    natGateway,
    natPublicIp,
    encryptionKey,
    egressFirewall,
    ...(gateway ? { appGateway, appGatewaySubnet } : {}),
  };
}

/** Expectations from the tree, compared with what ARM reports now. */
export async function assessDay2(tree: RenderedTree, arm: FluxArm): Promise<Day2Report> {
  const expect = day2Expectations(tree);
  return day2Report(expect, await readDeployed(expect, arm));
}

/** One line per refusal, in the toolkit's `file: error: what; what would be right` form. */
export function refusalLines(file: string, report: Day2Report): string[] {
  return report.refusals.map((r) => `${file}: error: ${r.field}: ${r.message}`);
}
