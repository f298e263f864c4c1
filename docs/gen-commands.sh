#!/bin/sh
# Regenerates docs/commands.md from the yargs command tree: the output of `cp-gitops --help` and of
# `cp-gitops <command> [<subcommand>…] --help` for every command the root help lists, and for every
# subcommand those commands list in turn (schemas import, …). Usage: sh docs/gen-commands.sh
set -eu
cd "$(dirname "$0")/.."
# The whole build, not tsc alone: tsc alone leaves dist/generated/schemas stale, which slows validate down.
npm run --silent build >/dev/null
cli() { node bin/cp-gitops.js "$@"; }

# The direct subcommands of a command path ("" for the root), from its help's "Commands:" block:
# each entry is "  cp-gitops <path…> <name> …", so the name is field $# + 2. Wrapped description
# lines do not start with "cp-gitops" and are skipped.
subcommands() {
  cli "$@" --help | awk -v field=$(($# + 2)) '/^Commands:/ { on = 1; next } on && /^$/ { exit } on && $1 == "cp-gitops" { print $field }'
}

# One section per command, then one per subcommand, depth first, in the order the help lists them.
# (POSIX sh has no local variables: the for list is expanded before the recursive calls change $sub.)
section() {
  title=cp-gitops
  if [ $# -gt 0 ]; then title="cp-gitops $*"; fi
  echo
  echo "## $title"
  echo
  echo '```'
  cli "$@" --help
  echo '```'
  for sub in $(subcommands "$@"); do
    section "$@" "$sub"
  done
}

out=docs/commands.md
tmp=$(mktemp docs/.commands.md.XXXXXX)
trap 'rm -f "$tmp"' EXIT
# stdout is not a terminal here, so yargs wraps at its fixed width (110): the output does not depend on the window.
{
  echo '# Command reference'
  echo
  echo 'Generated from `cp-gitops <command> --help` by `sh docs/gen-commands.sh`; do not edit by hand.'
  section
  echo
  echo 'Exit codes: 0 success, 1 failure (the message says what and how to fix it), 2 usage error.'
  echo 'With `--json`, the result (or the error) is one JSON document on stdout.'
  echo 'What `validate` checks, rule by rule: [validate.md](validate.md).'
} > "$tmp"
mv "$tmp" "$out"
echo "wrote $out"
