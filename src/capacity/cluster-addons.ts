// Pods that run beside CodeMie and take node capacity: AKS's own DaemonSets and add-on
// Deployments, and the platform controllers this toolkit installs. Each is named with its
// request and where the figure comes from; the planner counts every one.
import { request, type Resources } from "./resources.js";

export interface AddOn {
  name: string;
  /** Pods; for a DaemonSet, one per node. */
  replicas: number;
  /** Request of one pod. */
  request: Resources;
  source: string;
}

// Requests as AKS sets them, read from `kubectl describe node` of an AKS 1.32 node with Azure
// CNI overlay (kube-system pods); the CSI node figures match the upstream manifests
// (kubernetes-sigs/azuredisk-csi-driver deploy/csi-azuredisk-node.yaml: 3 containers x 10m/20Mi),
// cloud-node-manager the cloud-provider-azure manifest (50m/50Mi).
const AKS = "AKS 1.32 kube-system request";

/** On every node of every pool. Azure Monitor's ama-logs is not counted: environments do not
 *  enable Container Insights (Fluent Bit ships logs to Elasticsearch). */
export const AKS_DAEMONSETS: readonly AddOn[] = [
  { name: "kube-proxy", replicas: 1, request: request(100, 0), source: AKS },
  { name: "azure-cns", replicas: 1, request: request(40, 250), source: AKS },
  { name: "azure-ip-masq-agent", replicas: 1, request: request(100, 50), source: AKS },
  { name: "cloud-node-manager", replicas: 1, request: request(50, 50), source: AKS },
  { name: "csi-azuredisk-node", replicas: 1, request: request(30, 60), source: AKS },
  { name: "csi-azurefile-node", replicas: 1, request: request(30, 60), source: AKS },
];

/** AKS add-on Deployments; they tolerate CriticalAddonsOnly and prefer system-mode nodes, so
 *  they are placed on the system pool. Image Cleaner (eraser) and Azure Policy are opt-in and
 *  not enabled, so not counted. */
export const AKS_SYSTEM_DEPLOYMENTS: readonly AddOn[] = [
  { name: "coredns", replicas: 2, request: request(100, 70), source: AKS },
  { name: "coredns-autoscaler", replicas: 1, request: request(20, 10), source: AKS },
  { name: "konnectivity-agent", replicas: 2, request: request(20, 20), source: AKS },
  { name: "konnectivity-agent-autoscaler", replicas: 1, request: request(20, 10), source: AKS },
  { name: "metrics-server", replicas: 2, request: request(156, 138), source: AKS },
  {
    name: "azure-wi-webhook-controller-manager",
    replicas: 2,
    request: request(100, 20),
    source: `${AKS} (workload identity webhook)`,
  },
];

const FLUX = "Microsoft Learn, microsoft.flux extension: minimum CPU and memory per controller";

/** Controllers the toolkit installs that do not tolerate the system taint, so they run on the
 *  workloads pool (the GitOps renderer gives ours the workloads node selector). */
export const PLATFORM_DEPLOYMENTS: readonly AddOn[] = [
  {
    name: "ingress-nginx-controller",
    replicas: 2,
    request: request(100, 90),
    source: "ingress-nginx chart default requests; two replicas behind the load balancer",
  },
  { name: "source-controller", replicas: 1, request: request(50, 64), source: FLUX },
  { name: "kustomize-controller", replicas: 1, request: request(100, 64), source: FLUX },
  { name: "helm-controller", replicas: 1, request: request(100, 64), source: FLUX },
  { name: "notification-controller", replicas: 1, request: request(100, 64), source: FLUX },
  {
    name: "fluxconfig-agent",
    replicas: 1,
    request: request(10, 60),
    source: `${FLUX} (agent 5m/30Mi plus its fluent-bit sidecar 5m/30Mi)`,
  },
  { name: "fluxconfig-controller", replicas: 1, request: request(5, 30), source: FLUX },
  {
    name: "external-secrets",
    replicas: 1,
    request: request(50, 64),
    source: "set by the GitOps renderer (the chart sets none)",
  },
  {
    name: "external-secrets-webhook",
    replicas: 1,
    request: request(10, 32),
    source: "set by the GitOps renderer (the chart sets none)",
  },
  {
    name: "external-secrets-cert-controller",
    replicas: 1,
    request: request(10, 32),
    source: "set by the GitOps renderer (the chart sets none)",
  },
  {
    name: "keycloak-operator",
    replicas: 1,
    request: request(50, 192),
    source:
      "EPAM EDP keycloak-operator chart defaults: 50m CPU request, memory at " +
      "its 192Mi limit (the renderer sets the request equal to the limit)",
  },
];
