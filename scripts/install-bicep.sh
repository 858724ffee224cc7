#!/usr/bin/env bash
# Installs the Bicep CLI into <repo>/.bicep/bin/bicep from its NuGet package, because NuGet
# is reachable wherever dotnet is (the GitHub release download is not). Idempotent and quiet:
# one line on success, the restore log only on failure.
set -euo pipefail

readonly BICEP_VERSION="0.49.2"
readonly PACKAGE="Azure.Bicep.CommandLine.linux-x64"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bicep_home="$repo_root/.bicep"
target="$bicep_home/bin/bicep"

fail() {
  echo "install-bicep: $*" >&2
  exit 1
}

if on_path="$(command -v bicep 2>/dev/null)"; then
  echo "bicep already on PATH: $on_path"
  exit 0
fi
if [[ -x "$target" ]] && "$target" --version >/dev/null 2>&1; then
  echo "bicep already installed: $target"
  exit 0
fi

[[ "$(uname -s)/$(uname -m)" == "Linux/x86_64" ]] ||
  fail "only Linux x86_64 is supported; install the Bicep CLI yourself and set CODEMIE_BICEP_PATH."
command -v dotnet >/dev/null 2>&1 ||
  fail "the .NET SDK (dotnet) is required, see https://aka.ms/dotnet/download; or install the Bicep CLI yourself."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# PackageDownload needs a target framework the installed SDK knows; its own major version is one.
sdk_version="$(dotnet --version 2>/dev/null)" ||
  fail "'dotnet --version' failed; is a .NET SDK (not just a runtime) installed?"
framework="net${sdk_version%%.*}.0"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat >"$work/restore-bicep.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>$framework</TargetFramework>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="$PACKAGE" Version="[$BICEP_VERSION]" />
  </ItemGroup>
</Project>
EOF

if ! dotnet restore "$work/restore-bicep.csproj" --packages "$bicep_home/packages" >"$work/restore.log" 2>&1; then
  cat "$work/restore.log" >&2
  fail "dotnet restore of $PACKAGE $BICEP_VERSION failed (log above)."
fi

# NuGet lower-cases package folders; the single-file executable ships under tools/.
executable="$bicep_home/packages/${PACKAGE,,}/$BICEP_VERSION/tools/bicep"
[[ -f "$executable" ]] || fail "restored package has no executable at $executable"
chmod +x "$executable"
mkdir -p "$bicep_home/bin"
ln -sfn "../packages/${PACKAGE,,}/$BICEP_VERSION/tools/bicep" "$target"

version="$("$target" --version 2>&1)" || fail "installed bicep does not run: $version"
[[ "$version" == *"$BICEP_VERSION"* ]] || fail "expected Bicep $BICEP_VERSION, got: $version"
echo "bicep $BICEP_VERSION installed: $target"
