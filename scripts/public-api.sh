#!/usr/bin/env bash
# After a deliberate change to the public API: builds each package (ImapLib, ImapLib.Testing), and writes every new
# public symbol the analyzer reports (RS0016) into that project's PublicAPI.Unshipped.txt. Removed symbols (RS0017) are listed for you to delete by
# hand: a removal is a breaking change and deserves a look. Review the diff of the two files before committing.
set -euo pipefail
cd "$(dirname "$0")/.."
for project in ImapLib ImapLib.Testing; do
    log=$(mktemp)
    dotnet build "$project/$project.csproj" -c Release -nologo >"$log" 2>&1 || true
    file=$project/PublicAPI.Unshipped.txt
    {
        cat "$file"
        { grep -oE "error RS0016: Symbol '.*' is not part of the declared public API" "$log" || true; } \
            | sed -E "s/error RS0016: Symbol '(.*)' is not part of the declared public API/\1/"
    } | { read -r header; echo "$header"; sort -u; } >"$file.new"
    mv "$file.new" "$file"
    grep -oE "RS0017: Symbol '.*' is part of the declared API" "$log" | sort -u \
        | sed -E "s/RS0017: Symbol '(.*)' is part of the declared API/remove by hand from $project\/$(basename "$file") (or PublicAPI.Shipped.txt): \1/" || true
    rm -f "$log"
done
