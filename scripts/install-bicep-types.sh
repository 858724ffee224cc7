#!/usr/bin/env bash
# Extracts the Azure resource type definitions Bicep checks templates against (NuGet package
# Azure.Bicep.Types.Az, the version Bicep 0.49.2 ships with) into <repo>/.bicep-types, for the
# resource types and API versions bicep/ uses. test/render/bicep/type-enums.test.ts holds the schema's
# enums and the templates' literals to them: Bicep only warns, or says nothing, about a value
# outside a type's enum, and ARM rejects it at deploy time. Idempotent; needs the .NET SDK.
set -euo pipefail

readonly TYPES_VERSION="0.2.972"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$repo_root/.bicep-types"

# provider/api-version of every resource the templates declare, e.g. microsoft.network/2025-05-01.
type_pattern="'Microsoft\.[A-Za-z]+/[A-Za-z/]+@[0-9]{4}-[0-9]{2}-[0-9]{2}(-preview)?'"
mapfile -t pairs < <(grep -rhoE "$type_pattern" "$repo_root/bicep" |
  sed -E "s#'(Microsoft\.[A-Za-z]+)/[^@]+@([^']+)'#\1/\2#" | tr '[:upper:]' '[:lower:]' | sort -u)
stamp="$TYPES_VERSION ${pairs[*]}"
if [[ -f "$target/.stamp" && "$(cat "$target/.stamp")" == "$stamp" ]]; then
  echo "bicep types already extracted: $target"
  exit 0
fi
command -v dotnet >/dev/null 2>&1 || { echo "install-bicep-types: the .NET SDK (dotnet) is required" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
rm -rf "$target"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! dotnet run "$repo_root/scripts/extract-bicep-types.cs" -- "$target" "${pairs[@]}" >"$log" 2>&1; then
  cat "$log" >&2
  echo "install-bicep-types: extraction failed (log above)" >&2
  exit 1
fi
echo "$stamp" >"$target/.stamp"
echo "bicep types $TYPES_VERSION extracted for ${#pairs[@]} provider version(s): $target"
