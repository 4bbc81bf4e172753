#!/usr/bin/env bash
# The release archive on its own: unpacked into a temporary folder, started from another folder
# with nothing but an SQLite file, it serves a page and its assets, and stops when asked.
# Usage: tests/dist.sh ARCHIVE   (run by `make dist-check`)
set -euo pipefail
archive=$(realpath "$1")
work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

tar -xzf "$archive" -C "$work"
app="$work/billing-reports"
for file in billing-reports hash.txt billing-reports.env billing-reports.service README.md; do
  [ -e "$app/$file" ] || { echo "the archive lacks $file"; exit 1; }
done
# The bundle's files are named after their content, as hash.txt beside the binary lists them.
assets=()
for kind in js wasm css; do
  hash=$(sed -n "s/^$kind: *//p" "$app/hash.txt")
  asset="billing-reports.$hash.$kind"
  [ -n "$hash" ] && [ -e "$app/site/pkg/$asset" ] || { echo "the archive lacks the $kind file"; exit 1; }
  assets+=("$asset")
done

# A free port, then the server started from / (not from the archive) with its own database.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd / && exec env -i PATH=/usr/bin:/bin HOME="$work" \
  DATABASE_URL="sqlite:$work/billing-reports.db?mode=rwc" LISTEN_ADDR="127.0.0.1:$port" \
  DEMO_DATA=true JOBS_EVERY_SECONDS=0 "$app/billing-reports" >"$work/server.log" 2>&1) &
server=$!
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "the server exited:"; cat "$work/server.log"; exit 1; }
  sleep 0.5
done
page=$(curl -fsS "http://127.0.0.1:$port/sign-in")
grep -q 'Sign in' <<<"$page" || { echo "no sign-in page"; exit 1; }
for asset in "${assets[@]}"; do
  grep -q "/pkg/$asset" <<<"$page" || { echo "the page does not name $asset"; exit 1; }
  headers=$(curl -s -o /dev/null -D - "http://127.0.0.1:$port/pkg/$asset" | tr -d '\r')
  grep -q '^HTTP/1.1 200' <<<"$headers" || { echo "/pkg/$asset: $headers"; cat "$work/server.log"; exit 1; }
  grep -qi '^cache-control: public, max-age=31536000, immutable$' <<<"$headers" ||
    { echo "/pkg/$asset is not kept for a year: $headers"; exit 1; }
done
# Static files go out as compressed at build (brotli or gzip, as asked), pages compressed per
# request; a client that asks for nothing gets the plain bytes.
encoding() {
  curl -s -o /dev/null -D - -H "Accept-Encoding: $2" "http://127.0.0.1:$port$1" |
    tr -d '\r' | sed -n 's/^[Cc]ontent-[Ee]ncoding: //p'
}
for asset in "${assets[@]}"; do
  [ -e "$app/site/pkg/$asset.br" ] && [ -e "$app/site/pkg/$asset.gz" ] ||
    { echo "the archive lacks the compressed $asset"; exit 1; }
  [ "$(encoding "/pkg/$asset" br)" = br ] || { echo "/pkg/$asset is not sent in brotli"; exit 1; }
  [ "$(encoding "/pkg/$asset" gzip)" = gzip ] || { echo "/pkg/$asset is not sent in gzip"; exit 1; }
  [ -z "$(encoding "/pkg/$asset" identity)" ] || { echo "/pkg/$asset is encoded unasked"; exit 1; }
done
[ "$(encoding /sign-in 'gzip, br')" = br ] || { echo "the page is not compressed"; exit 1; }
wasm=$(curl -s -H 'Accept-Encoding: br' "http://127.0.0.1:$port/pkg/${assets[1]}" | wc -c)
page_br=$(curl -s -H 'Accept-Encoding: br' "http://127.0.0.1:$port/sign-in" | wc -c)
echo "sent in brotli: the WASM $wasm bytes (raw $(stat -c %s "$app/site/pkg/${assets[1]}")), the sign-in page $page_br bytes (raw $(printf %s "$page" | wc -c))"

# It stops when asked, cleanly.
kill -TERM "$server"
status=0
wait "$server" || status=$?
server=""
[ "$status" = 0 ] || { echo "the server exited with $status on SIGTERM"; cat "$work/server.log"; exit 1; }
echo "the archive serves pages and assets from $work (any folder, no checkout), and stops cleanly"
