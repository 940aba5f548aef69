#!/usr/bin/env bash
# Builds the documentation site: the API reference generated from the library's XML docs plus the guides
# in docs/*.md, cross-linked (docs/docfx.json says what goes in). Output: artifacts/site/index.html
# (ignored by git). Any docfx warning (a broken link, an unknown xref, a bad cref) fails the build.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
rm -rf docs/reference artifacts/site
dotnet docfx docs/docfx.json --warningsAsErrors
echo "site: artifacts/site/index.html"
