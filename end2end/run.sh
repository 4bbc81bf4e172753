#!/usr/bin/env bash
# Runs the browser journeys: starts the debug server built by `cargo leptos build` on a fresh
# SQLite database with the demo data, waits until it is ready, runs Playwright, stops the server.
# cargo-leptos writes the site (JS, WASM, CSS) to target/site in the project, whatever
# CARGO_TARGET_DIR says; binaries follow CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

# E2E_BACKEND=postgres runs them on a fresh PostgreSQL database (made on the server at
# POSTGRES_ADMIN_URL and dropped afterwards) instead of a fresh SQLite file.
target_dir=${TARGET_DIR:-target}
port=${E2E_PORT:-3107}
backend=${E2E_BACKEND:-sqlite}
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
echo "browser journeys on $backend"

# The job runner is off: the demo's story is dated in its own months, and the journeys expect its
# reports in the statuses it tells (a runner would auto-submit every overdue one at start).
DATABASE_URL="$database_url" DEMO_DATA=true JOBS_EVERY_SECONDS=0 LISTEN_ADDR="127.0.0.1:$port" \
  LEPTOS_SITE_ROOT=target/site "$target_dir/debug/billing-reports" >"$log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
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
  npx playwright test || status=$?
if [ "$status" -ne 0 ]; then echo "--- server log ---"; tail -n 50 "$log"; fi
echo "screenshots: end2end/screenshots/"
exit "$status"
