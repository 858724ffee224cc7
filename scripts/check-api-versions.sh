#!/usr/bin/env bash
# Reports resource API versions more than two years old for which Bicep knows a newer stable one
# (the linter's use-recent-api-versions rule, which the render path keeps off so that a deploy can
# never break on a date). Lints every shipped environment's rendered templates (modules included).
# Exit 1 when any version is reported; run it from CI on a schedule or before a release:
#   npm run check:api-versions
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

# Types with no stable version newer than the one used: reported by the linter, accepted here.
#   diagnosticSettings: the only newer-looking stable version (2016-09-01) lacks categoryGroup.
readonly ACCEPTED='Microsoft\.Insights/diagnosticSettings'

bicep="${CODEMIE_BICEP_PATH:-}"
[[ -n "$bicep" ]] || bicep="$(command -v bicep || true)"
[[ -n "$bicep" ]] || bicep="$repo_root/.bicep/bin/bicep"
[[ -x "$bicep" ]] ||
  { echo "check-api-versions: no Bicep CLI (run scripts/install-bicep.sh or set CODEMIE_BICEP_PATH)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

node bin/codemie-gitops.js render --all --out "$work/rendered" >/dev/null
# The same rules as the render path, with use-recent-api-versions turned on.
rule='"use-recent-api-versions": { "level":'
sed "s/$rule \"off\" }/$rule \"warning\" }/" bicep/bicepconfig.json >"$work/bicepconfig.json"
grep -q '"use-recent-api-versions": { "level": "warning" }' "$work/bicepconfig.json" ||
  { echo "check-api-versions: bicep/bicepconfig.json no longer has the rule switched off as expected" >&2; exit 2; }

files=()
for dir in "$work"/rendered/*/bicep; do
  cp "$work/bicepconfig.json" "$dir/bicepconfig.json"
  files+=("$dir/main.bicep" "$dir/bootstrap.bicep")
done

report="$work/report.txt"
for file in "${files[@]}"; do
  # A module's finding is the same for every environment: name it once, by its path in bicep/.
  "$bicep" lint "$file" 2>&1 | grep 'use-recent-api-versions' |
    sed -e "s#^$work/rendered/##" -e 's#^[^/]*/bicep/modules/#bicep/modules/#' >>"$report" || true
done

stale="$(sort -u "$report" | grep -Ev "$ACCEPTED" || true)"
accepted="$(sort -u "$report" | grep -E "$ACCEPTED" | sed -E "s/.*version for '([^']+)'.*/\1/" | sort -u || true)"
[[ -z "$accepted" ]] || echo "accepted (no newer stable version that fits): $(echo "$accepted" | paste -sd, -)"
if [[ -n "$stale" ]]; then
  echo "$stale"
  echo "check-api-versions: $(echo "$stale" | wc -l) API version(s) more than two years old;" \
    "move them to a current stable version" >&2
  exit 1
fi
echo "check-api-versions: every API version is at most two years old or the newest stable one"
