// The smoke check of an environment's public site, as the status action's outputs and job summary
// show it: the URL, whether its host resolves from the runner, and each link of the login chain.
import type { SiteReport } from "../engine/site.js";
import { cell } from "./summary.js";

export function siteOutputs(site: SiteReport | undefined): { url: string; resolves: string; smoke: string } {
  if (!site) return { url: "", resolves: "", smoke: "" };
  return { url: site.url, resolves: site.resolved.length > 0 ? "true" : "false", smoke: site.smoke };
}

export function siteMarkdown(site: SiteReport | undefined): string[] {
  if (!site) return ["Smoke check: not run (Flux has not reported the branch tip Compliant)."];
  const lines = [
    `URL: ${cell(site.url)}`,
    "",
    site.resolved.length > 0
      ? `The host resolves from the runner to ${cell(site.resolved.join(", "))}.`
      : `The host does not resolve from the runner: the smoke check was skipped` +
        `${site.unresolved ? ` (${cell(site.unresolved)})` : ""}.`,
    "",
  ];
  if (site.links.length === 0) return lines;
  const verdict = site.smoke === "passed" ? "✅ passed" : "❌ failed";
  lines.push(`Smoke check: ${verdict}`, "", "| link | result | detail |", "|---|---|---|");
  for (const link of site.links)
    lines.push(`| ${cell(link.name)} | ${link.ok ? "✅" : "❌"} | ${cell(`${link.url}: ${link.detail}`)} |`);
  return lines;
}
