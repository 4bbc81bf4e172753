#!/usr/bin/env bash
# Runs the browser journeys: starts the debug server built by `cargo leptos build` on a fresh
# SQLite database with the demo data, waits until it is ready, runs Playwright, stops the server.
# cargo-leptos writes the site (JS, WASM, CSS) to target/site in the project, whatever
# CARGO_TARGET_DIR says; binaries follow CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

# E2E_BACKEND=postgres runs them on a fresh PostgreSQL database (made on the server at
# POSTGRES_ADMIN_URL and dropped afterwards) instead of a fresh SQLite file.
# E2E_PRICING=http runs the pricing journey once more with the server priced through the HTTP
# adapter, against the vendor stand-in serving the demo's own price book.
target_dir=${TARGET_DIR:-target}
port=${E2E_PORT:-3107}
backend=${E2E_BACKEND:-sqlite}
pricing=${E2E_PRICING:-builtin}
admin_url=${POSTGRES_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
workdir=$(mktemp -d)
log="$workdir/server.log"

pg_db=""
case "$backend" in
  sqlite) database_url="sqlite:$workdir/e2e.db?mode=rwc" ;;
  postgres)
    pg_db="billing_reports_e2e_$$"
    psql "$admin_url" -qc "CREATE DATABASE $pg_db" >/dev/null
    database_url="${admin_url%/*}/$pg_db" ;;
  *) echo "E2E_BACKEND must be sqlite or postgres" >&2; exit 2 ;;
esac
echo "browser journeys on $backend, pricing $pricing"
server_bin="$target_dir/debug/billing-reports"
server_env=()
specs=()
stand_in_pid=""
if [ "$pricing" = http ]; then
  stand_in="$target_dir/debug/vendor-stand-in"
  [ -x "$stand_in" ] || cargo build --features ssr --bin vendor-stand-in
  "$server_bin" --database-url "$database_url" --log-level warn seed demo
  "$server_bin" --database-url "$database_url" --log-level warn export-price-book "$workdir/book.json"
  "$stand_in" --book "$workdir/book.json" --token e2e-stand-in >"$workdir/stand-in.out" 2>"$workdir/stand-in.log" &
  stand_in_pid=$!
  for _ in $(seq 1 50); do grep -q '^listening on ' "$workdir/stand-in.out" && break; sleep 0.2; done
  pricing_url=$(sed -n 's/^listening on //p' "$workdir/stand-in.out")
  [ -n "$pricing_url" ] || { echo "the vendor stand-in did not start:"; cat "$workdir/stand-in.log"; exit 1; }
  server_env=(PRICING=http "PRICING_URL=$pricing_url" PRICING_TOKEN=e2e-stand-in)
  # The journeys' own calls of the binary (`jobs run-due`) go to the stand-in too.
  export PRICING=http PRICING_URL="$pricing_url" PRICING_TOKEN=e2e-stand-in STAND_IN_URL="$pricing_url"
  specs=(tests/pricing.spec.mjs tests/vendor-deliveries.spec.mjs --project=journeys)
fi

# The job runner is off: the demo's story is dated in its own months, and the journeys expect its
# reports in the statuses it tells (a runner would auto-submit every overdue one at start).
env "${server_env[@]}" DATABASE_URL="$database_url" DEMO_DATA=true JOBS_EVERY_SECONDS=0 \
  LISTEN_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT=target/site "$server_bin" >"$log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  if [ -n "$stand_in_pid" ]; then kill "$stand_in_pid" 2>/dev/null || true; fi
  if [ -n "$pg_db" ]; then psql "$admin_url" -qc "DROP DATABASE IF EXISTS $pg_db" >/dev/null || true; fi
  rm -rf "$workdir"
}
trap cleanup EXIT

for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then echo "server exited:"; cat "$log"; exit 1; fi
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || { echo "server not ready:"; cat "$log"; exit 1; }

# The month-end journeys run the deadline job as cron would, with the same binary and database.
BR_BIN="$(cd "$target_dir/debug" && pwd)/billing-reports"
cd end2end
status=0
BASE_URL="http://127.0.0.1:$port" BR_BIN="$BR_BIN" E2E_DATABASE_URL="$database_url" \
  npx playwright test "${specs[@]}" || status=$?
if [ "$status" -ne 0 ]; then echo "--- server log ---"; tail -n 50 "$log"; fi
echo "screenshots: end2end/screenshots/"
exit "$status"
