#!/bin/sh
# Regenerates goldens.tsv with Puppet 7's `puppet lookup` (Debian: apt-get install puppet-agent).
# Runs offline: a throw-away confdir with an empty global hierarchy, the environment below
# copied to ENVPATH/env with data.yaml as its hiera.yaml (the same file serves both) and a
# one-line hiera.yaml in each module (Puppet reads module data only with one).
# Every line of cases.txt ("MERGE KEY") runs:
#   puppet lookup --confdir C --vardir V --codedir D --environmentpath ENVPATH --environment env \
#     --node web01.example.com --facts facts.yaml [--merge MERGE] --render-as json KEY
# and adds "MERGE<TAB>KEY<TAB>JSON"; when it fails, the same command with --explain in place
# of --render-as json gives the reason, and the line is "MERGE<TAB>KEY<TAB>ERROR<TAB>reason".
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/conf" "$work/var" "$work/code" "$work/envs"
printf -- '---\nversion: 5\nhierarchy: []\n' > "$work/conf/hiera.yaml"
cp -r "$here/env" "$work/envs/env"
cp "$here/env/data.yaml" "$work/envs/env/hiera.yaml"
for m in "$work"/envs/env/modules/*/; do printf -- '---\nversion: 5\n' > "$m/hiera.yaml"; done
out="$here/goldens.tsv"
printf '# made by make-goldens.sh with %s\n' "$(puppet --version | sed 's/^/Puppet /')" > "$out"
grep -v '^#' "$here/cases.txt" | while read -r merge key; do
  [ -n "$key" ] || continue
  set -- --confdir "$work/conf" --vardir "$work/var" --codedir "$work/code" \
    --environmentpath "$work/envs" --environment env --color false \
    --node web01.example.com --facts "$here/facts.yaml"
  [ "$merge" = default ] || set -- "$@" --merge "$merge"
  if result=$(puppet lookup "$@" --render-as json "$key"); then
    printf '%s\t%s\t%s\n' "$merge" "$key" "$result" >> "$out"
  else
    # the reason is the last line of --explain
    message=$(puppet lookup "$@" --explain "$key" | tail -1)
    printf '%s\t%s\tERROR\t%s\n' "$merge" "$key" "$message" >> "$out"
  fi
done
