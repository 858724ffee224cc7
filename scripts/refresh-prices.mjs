#!/usr/bin/env node
// Refreshes src/cost/price-list.ts from the Azure Retail Prices API (no sign-in needed), on a
// machine that can reach prices.azure.com; never run by the tests. Prints the rows of
// src/catalogue/vm-sizes.ts whose price moved (VM prices live there, one source per fact).
//   node scripts/refresh-prices.mjs [--region eastus] [--dry-run]
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..");
const API = "https://prices.azure.com/api/retail/prices";
const args = process.argv.slice(2);
const base = args.includes("--region") ? args[args.indexOf("--region") + 1] : "eastus";
const dryRun = args.includes("--dry-run");
const HOURS = 730;

const current = readFileSync(join(ROOT, "src/cost/price-list.ts"), "utf8");
const regions = [...current.matchAll(/^ {4}([a-z0-9]+): [\d.]+,$/gm)].map((m) => m[1]);

async function items(filter) {
  const out = [];
  for (let url = `${API}?currencyCode=USD&$filter=${encodeURIComponent(filter)}`; url; ) {
    const response = await globalThis.fetch(url);
    if (!response.ok) throw new Error(`${response.status} from the Retail Prices API for ${filter}`);
    const page = await response.json();
    out.push(...page.Items.filter((i) => i.type === "Consumption"));
    url = page.NextPageLink;
  }
  return out;
}

/** The one consumption price matching the filter (and the predicate); fails loudly when none or several. */
async function price(filter, pick = () => true) {
  const found = (await items(filter)).filter(pick);
  const prices = [...new Set(found.map((i) => i.retailPrice))];
  if (prices.length !== 1)
    throw new Error(`expected one price for ${filter}, found ${prices.length}: ${prices.join(", ")}`);
  return prices[0];
}

const inRegion = (region, rest) => `armRegionName eq '${region}' and ${rest}`;
const vmLinux = (i) =>
  !i.productName.includes("Windows") && !i.skuName.includes("Spot") && !i.skuName.includes("Low Priority");
const D4DS = "armSkuName eq 'Standard_D4ds_v5' and serviceName eq 'Virtual Machines'";

const reference = await price(inRegion(base, D4DS), vmLinux);
const regionFactors = {};
for (const region of regions) {
  try {
    regionFactors[region] = Math.round(((await price(inRegion(region, D4DS), vmLinux)) / reference) * 100) / 100;
  } catch (error) {
    console.error(`${region}: kept out (${error.message})`);
  }
}

const tiers = [
  ["P4", 32],
  ["P6", 64],
  ["P10", 128],
  ["P15", 256],
  ["P20", 512],
  ["P30", 1024],
  ["P40", 2048],
  ["P50", 4096],
  ["P60", 8192],
];
const premiumSsdMonthly = [];
for (const [tier, gib] of tiers) {
  const usd = await price(
    inRegion(
      base,
      `serviceName eq 'Storage' and productName eq 'Premium SSD Managed Disks' ` +
        `and skuName eq '${tier} LRS' and meterName eq '${tier} LRS Disk'`,
    ),
  );
  premiumSsdMonthly.push({ tier, gib, usd });
}

const pg = (rest) => price(inRegion(base, `serviceName eq 'Azure Database for PostgreSQL' and ${rest}`));
const burstable = {};
for (const sku of ["B1ms", "B2s", "B2ms", "B4ms", "B8ms", "B12ms", "B16ms", "B20ms"]) {
  burstable[`Standard_${sku}`] = await pg(
    `productName eq 'Azure Database for PostgreSQL Flexible Server Burstable ` +
      `BS Series Compute' and skuName eq '${sku}'`,
  );
}
const list = {
  source: "Azure Retail Prices API (prices.azure.com/api/retail/prices), pay-as-you-go list prices, USD",
  retrieved: new Date().toISOString().slice(0, 10),
  baseRegion: base,
  referenceMeter: "Virtual Machines Ddsv5 Series, Standard_D4ds_v5, Linux",
  regionFactors,
  premiumSsdMonthly,
  postgres: {
    vCoreHourly: {
      GeneralPurpose: await pg(
        "productName eq 'Azure Database for PostgreSQL Flexible Server General " +
          "Purpose Ddsv5 Series Compute' and meterName eq 'vCore'",
      ),
      MemoryOptimized: await pg(
        "productName eq 'Azure Database for PostgreSQL Flexible Server Memory " +
          "Optimized Edsv5 Series Compute' and meterName eq 'vCore'",
      ),
    },
    burstableHourly: burstable,
    storageGibMonthly: await pg(
      "productName eq 'Az DB for PostgreSQL Flexible Server Storage' and meterName eq 'Storage Data Stored'",
    ),
    geoBackupGibMonthly: await pg(
      "productName eq 'Az DB for PostgreSQL Flexible Server Backup Storage' " +
        "and meterName eq 'Backup Storage GRS Data Stored'",
    ),
  },
  network: {
    natGatewayHourly: await price(inRegion(base, "serviceName eq 'NAT Gateway' and meterName eq 'Standard Gateway'")),
    publicIpStaticHourly: await price(
      inRegion(
        base,
        "serviceName eq 'Virtual Network' and productName eq 'IP Addresses' and " +
          "meterName eq 'Standard IPv4 Static Public IP'",
      ),
    ),
  },
  appGatewayWaf: {
    fixedHourly: await price(
      inRegion(
        base,
        "serviceName eq 'Application Gateway' and skuName eq 'WAF v2' and meterName eq 'WAF v2 Fixed Cost'",
      ),
    ),
    capacityUnitHourly: await price(
      inRegion(
        base,
        "serviceName eq 'Application Gateway' and skuName eq 'WAF v2' and meterName eq 'WAF v2 Capacity Units'",
      ),
    ),
  },
  firewallHourly: {
    Standard: await price(
      inRegion(
        base,
        "serviceName eq 'Azure Firewall' and skuName eq 'Standard' and meterName eq 'Standard Deployment'",
      ),
    ),
    Premium: await price(
      inRegion(base, "serviceName eq 'Azure Firewall' and skuName eq 'Premium' and meterName eq 'Premium Deployment'"),
    ),
  },
  aksStandardTierHourly: await price(
    inRegion(base, "serviceName eq 'Azure Kubernetes Service' and meterName eq 'Standard Uptime SLA'"),
  ),
};

const header = current.slice(0, current.indexOf("export const PRICE_LIST"));
const body = JSON.stringify(list, null, 2)
  .replace(/"([A-Za-z_][\w]*)":/g, "$1:")
  .replace(/burstableHourly: (\{[^}]*\})/, "burstableHourly: $1 as Record<string, number>");
const text = `${header}export const PRICE_LIST = ${body};\n\nexport type PriceList = typeof PRICE_LIST;\n`;
if (dryRun) console.log(text);
else writeFileSync(join(ROOT, "src/cost/price-list.ts"), text);

// VM sizes: report, do not rewrite (the catalogue's rows carry comments and the planner's figures).
const catalogue = readFileSync(join(ROOT, "src/catalogue/vm-sizes.ts"), "utf8");
for (const [, name, recorded] of catalogue.matchAll(/row\("(Standard_[\w]+)", "[\w]+", \d+, \d+, ([\d.]+)\)/g)) {
  const now = await price(inRegion(base, `armSkuName eq '${name}' and serviceName eq 'Virtual Machines'`), vmLinux);
  if (Math.abs(now - Number(recorded)) > 0.0005)
    console.log(`src/catalogue/vm-sizes.ts: ${name} ${recorded} → ${now} USD/h (${Math.round(now * HOURS)} USD/month)`);
}
