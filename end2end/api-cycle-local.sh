#!/usr/bin/env bash
# Runs end2end/api-cycle.sh against the debug server on a fresh SQLite database with the demo
# data, with tokens made by the command line (`billing-reports api-token create`), and checks
# the report ended completed with the tokens named in its history.
set -euo pipefail
cd "$(dirname "$0")/.."
server_bin="${TARGET_DIR:-target}/debug/billing-reports"
port=${API_CYCLE_PORT:-3109}
workdir=$(mktemp -d)
database_url="sqlite:$workdir/api.db?mode=rwc"
token() {
  "$server_bin" --database-url "$database_url" --log-level warn \
    api-token create --user "$1" --name "$2" --scope act 2>/dev/null
}
"$server_bin" --database-url "$database_url" --log-level warn seed demo
partner=$(token maria@harbor-it.example "Harbor PSA")
distributor=$(token dana@summit-tech.example "Summit ERP")
vendor=$(token vera@vendor.example "Vendor billing")
DATABASE_URL="$database_url" JOBS_EVERY_SECONDS=0 LISTEN_ADDR="127.0.0.1:$port" \
  "$server_bin" >"$workdir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$workdir"' EXIT
for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null && break; sleep 0.1; done
out=$(bash end2end/api-cycle.sh "http://127.0.0.1:$port" "$partner" "$distributor" "$vendor")
echo "$out"
grep -q ': completed, PO PO-API-CYCLE' <<<"$out" || { echo "the report did not end completed" >&2; exit 1; }
grep -q "via API token 'Vendor billing'" <<<"$out" || { echo "the history does not name the token" >&2; exit 1; }
echo "API cycle: done with curl only"
