#!/usr/bin/env bash
# The commit a deploy runs, resolved once by the Validate job of reusable-deploy.yml: the approver
# sees it and every later job checks it out by id, so a branch that moves during an approval
# changes nothing. REF is a commit, tag or branch (empty: the triggering commit, GITHUB_SHA). It is
# accepted only when it is on the default branch DEFAULT_BRANCH (an ancestor of its tip, which is
# what a rollback is): commits there were reviewed, a branch's were not, and a GitHub Environment's
# branch rule checks the ref the workflow runs from, never this input. Runs in a full clone
# (actions/checkout with fetch-depth: 0); writes `commit=SHA` to GITHUB_OUTPUT.
set -euo pipefail

ref="${REF:-${GITHUB_SHA:-}}"
default="${DEFAULT_BRANCH:?DEFAULT_BRANCH is not set}"
# Names only: the value is printed in workflow commands and passed to git.
if ! [[ "$ref" =~ ^[A-Za-z0-9][A-Za-z0-9._/-]*$ ]]; then
  echo "::error::the ref to deploy must be a commit, tag or branch name (letters, digits, . _ / -)," \
    "not \"${ref//[^A-Za-z0-9._\/ -]/?}\""
  exit 1
fi

sha=""
for candidate in "$ref" "refs/tags/$ref" "refs/remotes/origin/$ref"; do
  if sha="$(git rev-parse --verify --quiet --end-of-options "$candidate^{commit}")"; then break; fi
  sha=""
done
if [[ -z "$sha" ]]; then
  echo "::error::no commit, tag or branch \"$ref\" in this repository"
  exit 1
fi

if ! git merge-base --is-ancestor "$sha" "refs/remotes/origin/$default"; then
  echo "::error::$ref ($sha) is not on $default:" \
    "only commits of the default branch deploy (they were reviewed); merge it first"
  exit 1
fi

echo "Deploying $sha ($ref), a commit of $default"
echo "commit=$sha" >>"${GITHUB_OUTPUT:-/dev/null}"
if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
  printf '## Commit to deploy\n\n`%s` (`%s`), on `%s`.\n' "$sha" "$ref" "$default" >>"$GITHUB_STEP_SUMMARY"
fi
