#!/bin/sh
# Regenerates docs/commands.md from the yargs command tree: the output of `cp-gitops --help` and of
# `cp-gitops <command> --help` for every command the root help lists. Usage: sh docs/gen-commands.sh
set -eu
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json
cli() { node bin/cp-gitops.js "$@"; }
# stdout is not a terminal here, so yargs wraps at its fixed width (110): the output does not depend on the window.
commands=$(cli --help | awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on { print $2 }')
out=docs/commands.md
tmp=$(mktemp docs/.commands.md.XXXXXX)
trap 'rm -f "$tmp"' EXIT
{
  echo '# Command reference'
  echo
  echo 'Generated from `cp-gitops <command> --help` by `sh docs/gen-commands.sh`; do not edit by hand.'
  echo
  echo '## cp-gitops'
  echo
  echo '```'
  cli --help
  echo '```'
  for command in $commands; do
    echo
    echo "## cp-gitops $command"
    echo
    echo '```'
    cli "$command" --help
    echo '```'
  done
  echo
  echo 'Exit codes: 0 success, 1 failure (the message says what and how to fix it), 2 usage error.'
  echo 'With `--json`, the result (or the error) is one JSON document on stdout.'
} > "$tmp"
mv "$tmp" "$out"
echo "wrote $out"
