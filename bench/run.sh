#!/usr/bin/env bash
# The benchmark harness behind `make bench`: the release server at production size, measured
# from the outside on this machine's loopback, every figure beside a baseline taken in the same
# run. Prints one markdown table and writes it to bench/results.md with the machine, the date
# and the commit.
#
#   bash bench/run.sh
#
# Environment:
#   CARGO_TARGET_DIR        where the release binary is (default target); the seeded databases
#                           are cached under $CARGO_TARGET_DIR/bench/
#   BENCH_SKIP_BUILD=1      use the release binary and target/site as they are (no cargo)
#   BENCH_SKIP_LIST=1       skip `cargo bench --bench list` (the in-process list rows)
#   BENCH_SKIP_POSTGRES=1   measure on SQLite only
#   POSTGRES_ADMIN_URL      a role that may create databases
#                           (default postgres://postgres@127.0.0.1:5432/postgres)
#
# The first run seeds 100,000 reports of 10 lines and 36 reports of 500 lines into an SQLite
# file and a PostgreSQL database (a few minutes each); later runs reuse them.
set -euo pipefail
cd "$(dirname "$0")/.."

# --- Settings ---------------------------------------------------------------------------------

TARGET_DIR=${CARGO_TARGET_DIR:-target}
BIN=$TARGET_DIR/release/billing-reports
SITE_ROOT=target/site
CACHE_DIR=$TARGET_DIR/bench
# Bump when what is seeded changes: a cache with another version is seeded again from nothing.
SEED_VERSION="2026-12-05 demo + 100000x10 + 36x500 lines + 1000 bench users"
SQLITE_FILE=$CACHE_DIR/scale.db
PG_ADMIN_URL=${POSTGRES_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
PG_DB=billing_reports_bench
PG_URL=${PG_ADMIN_URL%/*}/$PG_DB
LIGHTHOUSE_VERSION=12.2.3
CHROMIUM=/usr/bin/chromium
ADMIN_EMAIL=ops@billing-reports.example # the demo's platform admin: sees every report
PASSWORD=demo-password                  # every demo account's password
SESSIONS=1000                           # signed-in sessions for the memory row
LOAD_SECONDS=10                         # each wrk run
LOAD_CONNECTIONS=16

WORK=$(mktemp -d -t billing-reports-bench.XXXXXX)
ROWS=$WORK/rows.md
SERVER_PID=""
STATIC_COPIES=()

# --- Small helpers ----------------------------------------------------------------------------

say() { printf '== %s\n' "$*" >&2; }
die() {
  printf 'bench: %s\n' "$*" >&2
  exit 1
}

# One row of the table: measure, backend, result, baseline (same run), notes.
row() {
  printf '| %s | %s | %s | %s | %s |\n' "$@" | tee -a "$ROWS" >&2
}

# Stops the server this script started, removes the static copies written into the site, and
# the scratch folder. Runs on every exit, failed or not.
cleanup() {
  stop_server
  local copy
  for copy in "${STATIC_COPIES[@]}"; do rm -f "$copy"; done
  if [[ -n ${SCRATCH_PG_DB:-} ]]; then
    psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $SCRATCH_PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# Installs the Debian packages whose commands are missing: pairs of command:package.
need_debian() {
  local pair missing=()
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || [[ -x ${pair%%:*} ]] || missing+=("${pair#*:}")
  done
  if ((${#missing[@]})); then
    say "installing ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# Milliseconds since the epoch.
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# A loopback port nobody listens on.
free_port() {
  local port
  while true; do
    port=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
}

# Resident memory of a process, in MiB with one decimal: VmRSS, or the field named.
rss_mib() {
  awk -v field="${2:-VmRSS}:" '$1 == field { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
}

# Bytes as KiB with one decimal.
kib() { awk -v b="$1" 'BEGIN { printf "%.1f KiB", b / 1024 }'; }

# a / b with two decimals (or n/a).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

# --- Step 1: tools ----------------------------------------------------------------------------

install_tools() {
  say "tools"
  need_debian wrk:wrk curl:curl sqlite3:sqlite3 psql:postgresql-client pg_isready:postgresql-client \
    "$CHROMIUM:chromium"
  if ! [[ -x bench/node_modules/.bin/lighthouse ]] ||
    [[ $(bench/node_modules/.bin/lighthouse --version 2>/dev/null) != "$LIGHTHOUSE_VERSION" ]]; then
    say "npm ci in bench/ (Lighthouse $LIGHTHOUSE_VERSION)"
    (cd bench && npm ci --no-audit --no-fund >/dev/null)
  fi
}

# PostgreSQL on 127.0.0.1:5432, started when it is local and down (as `make start-postgres`).
start_postgres() {
  pg_isready -q -h 127.0.0.1 -p 5432 && return
  if command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect \
      "$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | head -n1)" main start || true
    local _
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && return; sleep 1; done
  fi
  die "PostgreSQL does not answer on 127.0.0.1:5432 (set BENCH_SKIP_POSTGRES=1 to measure SQLite only)"
}

# --- Step 2: the release build ----------------------------------------------------------------

build_release() {
  if [[ ${BENCH_SKIP_BUILD:-0} == 1 ]]; then
    say "build skipped (BENCH_SKIP_BUILD=1)"
  else
    # The same build as `make run` and `make release-size` (component types erased).
    say "cargo leptos build --release --precompress --split (erase_components)"
    RUSTFLAGS='--cfg erase_components' cargo leptos build --release --precompress --split
  fi
  [[ -x $BIN ]] || die "no release binary at $BIN"
  [[ -d $SITE_ROOT/pkg ]] || die "no site at $SITE_ROOT"
}

# --- Step 3: the seeded databases, cached -----------------------------------------------------

# Runs the binary's one-shot commands on a database.
cli() {
  local url=$1
  shift
  "$BIN" --database-url "$url" --log-level warn "$@"
}

# The 1,000 extra users behind the sessions of the memory row: copies of the platform admin
# (same organisation, role and password hash), bench-user-N@billing-reports.example. Same SQL
# on both backends.
BENCH_USERS_SQL="
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $SESSIONS)
INSERT INTO users (id, org_id, email, name, role, password_hash, created_at)
SELECT (SELECT MAX(id) FROM users) + n.i, u.org_id,
       'bench-user-' || n.i || '@billing-reports.example', 'Bench user ' || n.i,
       u.role, u.password_hash, u.created_at
FROM users u, n WHERE u.email = '$ADMIN_EMAIL';"

# migrate, the demo (its catalogue is what the scale set prices against), 100,000 reports of 10
# lines, 36 reports of 500 lines, the bench users.
seed_database() {
  local url=$1 started
  started=$(now_ms)
  cli "$url" migrate
  cli "$url" seed demo
  cli "$url" seed scale --reports 100000 --lines 10 --months 36 2>/dev/null
  cli "$url" seed scale --reports 36 --lines 500 --months 36 2>/dev/null
  say "seeded in $((($(now_ms) - started) / 1000)) s"
}

seed_sqlite() {
  local marker=$CACHE_DIR/sqlite.seeded
  if [[ -f $marker && $(cat "$marker") == "$SEED_VERSION" && -f $SQLITE_FILE ]]; then
    say "SQLite: cached at $SQLITE_FILE"
    return
  fi
  say "SQLite: seeding $SQLITE_FILE (a few minutes, once)"
  rm -f "$marker" "$SQLITE_FILE" "$SQLITE_FILE-wal" "$SQLITE_FILE-shm"
  seed_database "$SQLITE_URL"
  sqlite3 "$SQLITE_FILE" "$BENCH_USERS_SQL"
  echo "$SEED_VERSION" >"$marker"
}

seed_postgres() {
  local marker=$CACHE_DIR/postgres.seeded
  if [[ -f $marker && $(cat "$marker") == "$SEED_VERSION" ]] &&
    [[ $(psql -tA "$PG_ADMIN_URL" -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'") == 1 ]]; then
    say "PostgreSQL: cached in $PG_DB"
    return
  fi
  say "PostgreSQL: seeding $PG_DB (a few minutes, once)"
  rm -f "$marker"
  psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" -c "CREATE DATABASE $PG_DB"
  seed_database "$PG_URL"
  psql -q "$PG_URL" -c "$BENCH_USERS_SQL" \
    -c "SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT MAX(id) FROM users))" >/dev/null
  echo "$SEED_VERSION" >"$marker"
}

# SQL on a cached database, one value per line.
sql() {
  case $1 in
    sqlite) sqlite3 "$SQLITE_FILE" "$2" ;;
    postgres) psql -tA "$PG_URL" -c "$2" ;;
  esac
}

# Each run starts from the same state: no session or failed sign-in left by an earlier run.
reset_sessions() {
  sql "$1" "DELETE FROM sessions; DELETE FROM sign_in_failures;" >/dev/null
}

# A completed report with this many lines (the 500-line ones were seeded last).
report_with_lines() {
  sql "$1" "SELECT r.id FROM reports r WHERE r.status = 'completed' AND
    (SELECT COUNT(*) FROM line_items l WHERE l.report_id = r.id) = $2 ORDER BY r.id DESC LIMIT 1"
}

# --- Step 4: the server -----------------------------------------------------------------------

# Starts the release server on a database and waits for /readyz. Sets SERVER_PID, BASE and
# COLD_MS (from exec to the first 200 on /readyz).
start_server() {
  local url=$1 name=$2 port started
  port=$(free_port)
  BASE=http://127.0.0.1:$port
  started=$(now_ms)
  LEPTOS_SITE_ROOT=$SITE_ROOT JOBS_EVERY_SECONDS=0 SHUTDOWN_GRACE_SECONDS=5 \
    "$BIN" --database-url "$url" --listen "127.0.0.1:$port" serve >"$WORK/server-$name.log" 2>&1 &
  SERVER_PID=$!
  until curl -fs -o /dev/null "$BASE/readyz"; do
    kill -0 "$SERVER_PID" 2>/dev/null || {
      cat "$WORK/server-$name.log" >&2
      SERVER_PID=""
      die "the server stopped before it was ready"
    }
    (($(now_ms) - started < 120000)) || die "the server was not ready within 120 s"
    sleep 0.01
  done
  COLD_MS=$(($(now_ms) - started))
}

stop_server() {
  if [[ -n $SERVER_PID ]]; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}

# Signs in and prints the session cookie (br_session=…), or nothing when it failed.
sign_in() {
  local email=$1 jar
  jar=$(mktemp -p "$WORK")
  curl -s -o /dev/null -c "$jar" -H 'Accept: application/json' \
    --data-urlencode "email=$email" --data-urlencode "password=$PASSWORD" \
    "$BASE/api/auth/sign-in" || true
  awk '$6 == "br_session" { print "br_session=" $7 }' "$jar"
  rm -f "$jar"
}

# Cold start on an empty database (migrated first, like the cached one) against the cached
# database, same backend.
measure_cold_start() {
  local backend=$1 seeded_url=$2 empty_url=$3 empty_ms
  cli "$empty_url" migrate
  start_server "$empty_url" "$backend-empty"
  empty_ms=$COLD_MS
  stop_server
  start_server "$seeded_url" "$backend"
  row "cold start: exec to first 200 on /readyz" "$backend" "$COLD_MS ms (100,000 reports)" \
    "$empty_ms ms (empty database)" "the server stays up for the rows below"
}

# --- Step 5: SSR against a static copy of the same bytes --------------------------------------

# Runs wrk on a path with the session cookie; prints "p50_ms p99_ms req_per_s non_2xx errors".
load() {
  wrk -t2 -c"$LOAD_CONNECTIONS" -d"${LOAD_SECONDS}s" --latency \
    -H "Cookie: $COOKIE" -H 'Accept-Encoding: br' "$BASE$1" |
    awk '
      function ms(v) {
        if (v ~ /us$/) return v / 1000
        if (v ~ /ms$/) return v + 0
        if (v ~ /s$/) return v * 1000
        return v
      }
      /^ +50%/ { p50 = ms($2) }
      /^ +99%/ { p99 = ms($2) }
      /^Requests\/sec:/ { rps = $2 }
      /Non-2xx or 3xx responses:/ { bad = $NF }
      /Socket errors:/ { errors = $4 + $6 + $8 + $10 }
      END { printf "%.2f %.2f %.1f %d %d\n", p50, p99, rps, bad, errors }'
}

# The page, server-rendered for each request, against its own HTML written into the site folder
# and served by the same server as a static file. Both are asked with Accept-Encoding: br, as a
# browser does: the server compresses both per request (brotli, quality 4; the static fallback
# has no precompressed copy), so the difference is the rendering.
ssr_vs_static() {
  local backend=$1 name=$2 path=$3 copy status
  copy=$SITE_ROOT/bench-$name.html
  STATIC_COPIES+=("$copy")
  status=$(curl -s -o "$copy" -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE$path")
  [[ $status == 200 ]] || die "$path answered $status"
  status=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/bench-$name.html")
  [[ $status == 200 ]] || die "the static copy /bench-$name.html answered $status"
  local page static
  read -r -a page <<<"$(load "$path")"
  read -r -a static <<<"$(load "/bench-$name.html")"
  local notes
  notes="page/static req/s = $(ratio "${page[2]}" "${static[2]}"); $(kib "$(stat -c %s "$copy")") of HTML"
  ((page[3] + page[4] + static[3] + static[4] == 0)) ||
    notes="$notes; NOT ALL 200: page ${page[3]} non-2xx ${page[4]} errors, static ${static[3]}/${static[4]}"
  row "SSR vs static, $LOAD_CONNECTIONS conn, ${LOAD_SECONDS} s: $name ($path)" "$backend" \
    "p50 ${page[0]} ms, p99 ${page[1]} ms, ${page[2]} req/s" \
    "static copy: p50 ${static[0]} ms, p99 ${static[1]} ms, ${static[2]} req/s" "$notes"
  rm -f "$copy"
}

# --- Step 6: first-load bytes -----------------------------------------------------------------

# Bytes of a page as the server sends them for an Accept-Encoding ("" for none), with a cookie
# ("" for none), checked to answer 200 and to be encoded as asked.
page_bytes() {
  local path=$1 encoding=$2 cookie=$3 headers size
  headers=$WORK/headers
  size=$(curl -s -o /dev/null -D "$headers" -w '%{size_download}' ${cookie:+-H "Cookie: $cookie"} \
    ${encoding:+-H "Accept-Encoding: $encoding"} "$BASE$path")
  head -n1 "$headers" | grep -q ' 200' || die "$path answered $(head -n1 "$headers")"
  if [[ -n $encoding ]] && ! grep -qi "^content-encoding: *$encoding" "$headers"; then
    echo "$size (not $encoding-encoded!)"
  else
    echo "$size"
  fi
}

# A page's HTML against a lighter page's: base_cookie is the cookie for the baseline ("" to ask
# signed out, as for the sign-in page).
html_row() {
  local name=$1 path=$2 base_name=$3 base_path=$4 base_cookie=$5 raw gz br braw bgz bbr
  raw=$(page_bytes "$path" "" "$COOKIE")
  gz=$(page_bytes "$path" gzip "$COOKIE")
  br=$(page_bytes "$path" br "$COOKIE")
  braw=$(page_bytes "$base_path" "" "$base_cookie")
  bgz=$(page_bytes "$base_path" gzip "$base_cookie")
  bbr=$(page_bytes "$base_path" br "$base_cookie")
  row "first load, HTML: $name" sqlite "$raw raw, $gz gzip, $br br bytes" \
    "$base_name: $braw raw, $bgz gzip, $bbr br bytes" "per request (brotli and gzip, quality 4)"
}

# The bundle the list page references (JS, WASM, CSS under /pkg/), as the build wrote it: raw
# and the .gz and .br copies the static service sends.
bundle_rows() {
  local html=$WORK/list.html ext file files raw gz br
  curl -s -o "$html" -H "Cookie: $COOKIE" "$BASE/"
  for ext in js wasm css; do
    mapfile -t files < <(grep -oE "/pkg/[A-Za-z0-9_.-]+\.$ext\b" "$html" | sort -u)
    if ((${#files[@]} == 0)); then
      # Not named in the HTML (e.g. the WASM is loaded by the JS): the build's hashed name when
      # it writes one (hash.txt), else every such file of the site.
      local hash=""
      [[ ! -f $TARGET_DIR/release/hash.txt ]] ||
        hash=$(sed -n "s/^$ext: *//p" "$TARGET_DIR/release/hash.txt")
      if [[ -n $hash && -f $SITE_ROOT/pkg/billing-reports.$hash.$ext ]]; then
        files=("/pkg/billing-reports.$hash.$ext")
      else
        mapfile -t files < <(cd "$SITE_ROOT" && find pkg -maxdepth 1 -name "*.$ext" | sed 's|^|/|')
      fi
    fi
    raw=0 gz=0 br=0
    for file in "${files[@]}"; do
      file=$SITE_ROOT$file
      raw=$((raw + $(stat -c %s "$file")))
      gz=$((gz + $(stat -c %s "$file.gz" 2>/dev/null || echo 0)))
      br=$((br + $(stat -c %s "$file.br" 2>/dev/null || echo 0)))
    done
    row "first load, $ext (${files[*]##*/})" "-" "$(kib "$br") br, $(kib "$gz") gzip" \
      "$(kib "$raw") raw" "the build's precompressed copies; the same on every page"
  done
  # What each page loaded on demand adds to the WASM, the first time it is shown (a split build).
  local line name gz_added br_added
  while IFS= read -r line; do
    [[ $line =~ ^on\ demand,\ (.+):\ \+([0-9]+)\ gzip,\ \+([0-9]+)\ brotli ]] || continue
    name=${BASH_REMATCH[1]} gz_added=${BASH_REMATCH[2]} br_added=${BASH_REMATCH[3]}
    row "on demand, wasm: $name" "-" "+$(kib "$br_added") br, +$(kib "$gz_added") gzip" "-" \
      "fetched once, when the page is first shown (tests/bundle-size.sh)"
  done < <(bash tests/bundle-size.sh 0 "$TARGET_DIR/release/hash.txt" "$SITE_ROOT/pkg" 2>/dev/null || true)
}

# --- Step 7: memory with many signed-in sessions ----------------------------------------------

# One session: signs in as a bench user and loads the list page. Prints the page's status, or
# "no-session" when the sign-in set no cookie. Run by xargs in a child bash.
one_session() {
  local email=$1 cookie
  cookie=$(sign_in "$email")
  if [[ -z $cookie ]]; then
    echo no-session
    return
  fi
  curl -s -o /dev/null -w '%{http_code}\n' -H "Cookie: $cookie" -H 'Accept-Encoding: br' "$BASE/"
}

# Sign-in is throttled on failures only (5 per account and address, 20 per address in 15
# minutes; a success clears the account's), and at most 4 passwords are checked at once. So
# 1,000 distinct users signing in 4 at a time from loopback are never refused: each is one real
# sign-in (argon2id check, a new session row) and one page load with its own cookie.
sessions_row() {
  local backend=$1 before after peak started outcome ok live
  before=$(rss_mib "$SERVER_PID")
  started=$(now_ms)
  export BASE PASSWORD WORK
  export -f sign_in one_session
  # shellcheck disable=SC2016 # $1 is the child bash's argument
  outcome=$(seq 1 "$SESSIONS" | sed 's/.*/bench-user-&@billing-reports.example/' |
    xargs -P 4 -I{} bash -c 'one_session "$1"' _ {} | sort | uniq -c | awk '{ printf "%s: %s, ", $2, $1 }')
  after=$(rss_mib "$SERVER_PID")
  peak=$(rss_mib "$SERVER_PID" VmHWM)
  ok=$(grep -oE '200: [0-9]+' <<<"$outcome" | cut -d' ' -f2 || true)
  live=$(sql "$backend" "SELECT COUNT(*) FROM sessions")
  row "RSS with $SESSIONS signed-in sessions, each having loaded /" "$backend" \
    "$after MiB (peak $peak MiB)" "$before MiB right after start" \
    "${ok:-0} sessions loaded / (statuses: ${outcome%, }); $live sessions in the database; $((($(now_ms) - started) / 1000)) s, 4 at a time"
}

# --- Step 8: Lighthouse -----------------------------------------------------------------------

# Prints "score lcp_ms tbt_ms cls bytes" for a page (with the session cookie when given).
run_lighthouse() {
  local name=$1 url=$2 cookie=${3:-} json=$WORK/lighthouse-$1.json
  local args=(--output=json --output-path="$json" --quiet --only-categories=performance
    --chrome-flags='--headless=new --no-sandbox')
  [[ -z $cookie ]] || args+=(--extra-headers "{\"Cookie\": \"$cookie\"}")
  # Lighthouse now and then fails to record the page's trace ("NO_NAVSTART"; its message says
  # to run it again), so a page is tried twice before it counts as failed.
  local attempt
  for attempt in 1 2; do
    rm -f "$json"
    if CHROME_PATH=$CHROMIUM timeout 300 bench/node_modules/.bin/lighthouse "$url" "${args[@]}" \
      2>"$WORK/lighthouse-$name-$attempt.log" && [[ -s $json ]]; then
      node bench/lighthouse-summary.mjs "$json"
      return
    fi
  done
  echo "failed"
}

# "score 87, LCP 1234 ms, …" from lighthouse's line.
lighthouse_words() {
  local s
  read -r -a s <<<"$1"
  if [[ ${s[0]} == failed ]]; then
    echo "failed (see the log)"
  else
    echo "score ${s[0]}, LCP ${s[1]} ms, TBT ${s[2]} ms, CLS ${s[3]}, $(kib "${s[4]}")"
  fi
}

lighthouse_rows() {
  local baseline list report
  baseline=$(run_lighthouse sign-in "$BASE/sign-in")
  list=$(run_lighthouse list "$BASE/" "$COOKIE")
  report=$(run_lighthouse report "$BASE/reports/$REPORT_500" "$COOKIE")
  local notes
  notes="mobile profile (simulated throttling), performance only; Chromium $($CHROMIUM --version 2>/dev/null | awk '{ print $2 }')"
  row "Lighthouse: list /" sqlite "$(lighthouse_words "$list")" \
    "sign-in page: $(lighthouse_words "$baseline")" "$notes"
  row "Lighthouse: 500-line report" sqlite "$(lighthouse_words "$report")" \
    "sign-in page: $(lighthouse_words "$baseline")" "$notes"
}

# --- The runs ---------------------------------------------------------------------------------

run_sqlite() {
  say "SQLite"
  reset_sessions sqlite
  REPORT_500=$(report_with_lines sqlite 500)
  REPORT_10=$(report_with_lines sqlite 10)
  [[ -n $REPORT_500 && -n $REPORT_10 ]] || die "no 500-line or 10-line report in $SQLITE_FILE"
  measure_cold_start sqlite "$SQLITE_URL" "sqlite:$WORK/empty.db?mode=rwc"
  sessions_row sqlite
  COOKIE=$(sign_in "$ADMIN_EMAIL")
  [[ -n $COOKIE ]] || die "could not sign in as $ADMIN_EMAIL"
  html_row "500-line report" "/reports/$REPORT_500" "10-line report" "/reports/$REPORT_10" "$COOKIE"
  html_row "list /" "/" "sign-in page (signed out)" "/sign-in" ""
  bundle_rows
  ssr_vs_static sqlite report-500 "/reports/$REPORT_500"
  ssr_vs_static sqlite list "/"
  lighthouse_rows
  stop_server
}

run_postgres() {
  say "PostgreSQL"
  reset_sessions postgres
  local report
  report=$(report_with_lines postgres 500)
  [[ -n $report ]] || die "no 500-line report in $PG_DB"
  SCRATCH_PG_DB=billing_reports_bench_empty_$$
  psql -q "$PG_ADMIN_URL" -c "CREATE DATABASE $SCRATCH_PG_DB"
  measure_cold_start postgres "$PG_URL" "${PG_ADMIN_URL%/*}/$SCRATCH_PG_DB"
  psql -q "$PG_ADMIN_URL" -c "DROP DATABASE $SCRATCH_PG_DB WITH (FORCE)"
  SCRATCH_PG_DB=""
  COOKIE=$(sign_in "$ADMIN_EMAIL")
  [[ -n $COOKIE ]] || die "could not sign in as $ADMIN_EMAIL"
  ssr_vs_static postgres report-500 "/reports/$report"
  ssr_vs_static postgres list "/"
  stop_server
}

# ====== The in-process list benchmark (benches/list.rs) =======================================
# It reads the cached databases from BENCH_SQLITE_URL and BENCH_POSTGRES_URL and prints rows
# `| list … | … |`, which are appended to this table as they are. Runs after every server here
# has stopped, so the two do not share the cores.
list_bench_rows() {
  if [[ ${BENCH_SKIP_LIST:-0} == 1 ]]; then
    say "cargo bench --bench list skipped (BENCH_SKIP_LIST=1)"
    return
  fi
  say "cargo bench --features ssr --bench list"
  BENCH_SQLITE_URL=$SQLITE_URL BENCH_POSTGRES_URL=${BENCH_POSTGRES:+$PG_URL} \
    cargo bench --features ssr --bench list | tee "$WORK/list-bench.txt" >&2
  # Its own table (eight columns): the header and the rows of each backend.
  grep -E '^\| (backend|SQLite|PostgreSQL) |^\|---\|' "$WORK/list-bench.txt" >"$WORK/list-table.md" || true
}
# ==============================================================================================

write_results() {
  local results=bench/results.md dirty=""
  # Asked before the file is opened for writing (which empties it, and would count as a change).
  git diff --quiet HEAD -- . ":(exclude)$results" 2>/dev/null || dirty=" (with uncommitted changes)"
  {
    echo "# Benchmarks"
    echo
    echo "- machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
      "$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM"
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- commit: $(git rev-parse --short HEAD)$dirty"
    echo "- data: 100,000 reports × 10 lines + 36 reports × 500 lines on top of the demo, signed in" \
      "as the platform admin (every report); release build, loopback, wrk and the server on the same cores"
    echo
    echo "| measure | backend | result | baseline (same run) | notes |"
    echo "|---|---|---|---|---|"
    cat "$ROWS"
    if [[ -s $WORK/list-table.md ]]; then
      echo
      echo "The list server function per filter beside the same SQL in sqlite3/psql (with the plan of"
      echo "the page's rows), and transitions beside a bare UPDATE + INSERT loop:"
      echo
      cat "$WORK/list-table.md"
    fi
  } >"$results"
  cat "$results"
}

main() {
  mkdir -p "$CACHE_DIR"
  SQLITE_URL="sqlite:$(realpath "$CACHE_DIR")/scale.db?mode=rwc"
  BENCH_POSTGRES=""
  [[ ${BENCH_SKIP_POSTGRES:-0} == 1 ]] || BENCH_POSTGRES=1
  install_tools
  [[ -z $BENCH_POSTGRES ]] || start_postgres
  build_release
  seed_sqlite
  [[ -z $BENCH_POSTGRES ]] || seed_postgres
  : >"$ROWS"
  run_sqlite
  [[ -z $BENCH_POSTGRES ]] || run_postgres
  list_bench_rows
  write_results
}

main "$@"
