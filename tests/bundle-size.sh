#!/usr/bin/env bash
# The release bundle as browsers receive it: the JS, WASM and CSS every page loads first, then
# what each page loaded on demand adds (its WebAssembly files, as the build's manifest lists
# them). Fails when the first WASM, in gzip, is over its budget.
#
#   tests/bundle-size.sh BUDGET_GZIP HASH_FILE [PKG_DIR]
set -euo pipefail

budget=$1
hash_file=$2
pkg=${3:-target/site/pkg}

hash_of() { sed -n "s/^$1: *//p" "$hash_file"; }
size() { stat -c %s "$1"; }

for kind in js wasm css; do
  file=$pkg/billing-reports.$(hash_of "$kind").$kind
  echo "first load, $(basename "$file"): $(size "$file") bytes raw, $(size "$file.gz") gzip, $(size "$file.br") brotli"
done
first=$(size "$pkg/billing-reports.$(hash_of wasm).wasm.gz")

# The manifest maps each page (a split point) to the files it needs, by name without `.wasm`.
manifest=$pkg/__wasm_split_manifest.$(hash_of manifest).json
if [[ -n $(hash_of manifest) && -f $manifest ]]; then
  largest=0
  while IFS=$'\t' read -r page modules; do
    gz=0 br=0
    for module in $modules; do
      gz=$((gz + $(size "$pkg/$module.wasm.gz")))
      br=$((br + $(size "$pkg/$module.wasm.br")))
    done
    ((gz > largest)) && largest=$gz
    # `__report_route_view_<n>` is the report page's.
    name=${page#__}
    name=${name%_route_view_*}
    printf 'on demand, %s page: +%d gzip, +%d brotli (%d files)\n' "$name" "$gz" "$br" "$(wc -w <<<"$modules")"
  done < <(jq -r 'to_entries[] | [.key, (.value | join(" "))] | @tsv' "$manifest")
  echo "the largest first load, the WASM and the largest page loaded on demand: $((first + largest)) bytes in gzip"
else
  echo "no pages are loaded on demand (a build without --split)"
fi

if ((first > budget)); then
  echo "the first WASM is $first bytes in gzip, over its budget of $budget" >&2
  exit 1
fi
echo "the first WASM is $first bytes in gzip, within its budget of $budget"
