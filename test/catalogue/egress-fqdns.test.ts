// The firewall's allow-list must let every pinned chart's image through: an image whose registry is
// missing would fail to pull only once egress goes through the firewall (production's default).
import { describe, expect, it } from "vitest";
import { IMAGE_REGISTRIES } from "../../src/catalogue/egress-fqdns.js";
import { CHART_IMAGES } from "../../src/catalogue/kubernetes-policies.js";

/** The registry host of an image reference as a container runtime reads it (no host: Docker Hub). */
function registryOf(repository: string): string {
  const first = repository.split("/")[0]!;
  const host = repository.includes("/") && /[.:]/.test(first) ? first : "docker.io";
  return host === "docker.io" ? "registry-1.docker.io" : host;
}

describe("egress allow-list", () => {
  it("names the registry of every image the pinned charts run", () => {
    const allowed = new Set(IMAGE_REGISTRIES.map((r) => r.host));
    const missing = CHART_IMAGES.map((i) => registryOf(i.repository)).filter((host) => !allowed.has(host));
    expect(missing).toEqual([]);
  });

  it("reads registries as a runtime does", () => {
    expect(registryOf("nats")).toBe("registry-1.docker.io");
    expect(registryOf("epamedp/keycloak-operator")).toBe("registry-1.docker.io");
    expect(registryOf("docker.io/busybox")).toBe("registry-1.docker.io");
    expect(registryOf("oci.external-secrets.io/external-secrets/external-secrets")).toBe("oci.external-secrets.io");
  });
});
