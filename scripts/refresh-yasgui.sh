#!/usr/bin/env bash
# Refresh the vendored query workbench (YASGUI, the maintained fork @zazuko/yasgui) from npm.
#
#   scripts/refresh-yasgui.sh            # the version pinned below
#   scripts/refresh-yasgui.sh 4.7.0      # another version (then update the pin and CHANGELOG)
#
# Copies the minified script and style into graphkit/static/yasgui/, drops the source-map
# comments, and neutralises the addresses the bundle would call on its own (its default
# endpoints and the Linked Open Vocabularies autocompletion), so that the page never reaches
# the network: the page also switches those features off in its configuration.
set -euo pipefail
version=${1:-4.6.2}
cd "$(dirname "$0")/.."
target=graphkit/static/yasgui
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "@zazuko/yasgui@$version" >/dev/null && tar xzf ./*.tgz)
licence=$(node -e "console.log(require('$work/package/package.json').license)")
if [ "$licence" != "MIT" ]; then
  echo "error: @zazuko/yasgui $version is licensed '$licence', not MIT; update $target/LICENSE" >&2
  exit 1
fi
mkdir -p "$target"
for name in yasgui.min.js yasgui.min.css; do
  sed -e 's|//# sourceMappingURL=[^ ]*||' \
      -e 's|https://dbpedia.org/sparql||g' \
      -e 's|https://query.wikidata.org/bigdata/namespace/wdq/sparql||g' \
      -e 's|lov.linkeddata.es/dataset/lov/api/v2/autocomplete/terms|lov.invalid/|g' \
      "$work/package/build/$name" > "$target/$name"
done
echo "$version" > "$target/VERSION"
echo "Vendored @zazuko/yasgui $version into $target"
