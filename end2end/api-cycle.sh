#!/usr/bin/env bash
# One report's month through the public API, with curl only (jq reads the answers): the partner
# submits it, the distributor sets its PO number and submits it to the vendor, the vendor
# completes it. Each action sends the version it read (If-Match) and a key to retry safely.
#   end2end/api-cycle.sh BASE_URL PARTNER_TOKEN DISTRIBUTOR_TOKEN VENDOR_TOKEN
set -euo pipefail
base=$1 partner=$2 distributor=$3 vendor=$4

# GET with a token; prints the body.
read_api() { curl -fsS -H "Authorization: Bearer $1" "$base$2"; }
# The report's ETag (its version) as the token reads it.
etag() {
  curl -fsS -o /dev/null -D - -H "Authorization: Bearer $1" "$base/api/v1/reports/$2" |
    tr -d '\r' | sed -n 's/^etag: *//Ip'
}
# POST an action with If-Match and an Idempotency-Key; prints the answer, fails on a refusal.
act() {
  local token=$1 id=$2 action=$3 body=$4
  curl -sS --fail-with-body -X POST "$base/api/v1/reports/$id/$action" \
    -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
    -H "If-Match: $(etag "$token" "$id")" -H "Idempotency-Key: cycle-$id-$action" \
    -d "$body"
  echo
}

# 1. The partner: a report it is preparing; a comment on each line that needs one; submit.
id=$(read_api "$partner" "/api/v1/reports?status=msp_preparing" | jq -r '.rows[0].id')
[ "$id" != null ] || { echo "no report in preparation" >&2; exit 1; }
edits=$(read_api "$partner" "/api/v1/reports/$id" | jq -c '{edits: [.lines[]
  | select(.needs_comment) | {line_id, chargeable: (.chargeable | tostring),
    comment: "Checked with the customer"}]}')
act "$partner" "$id" submit "$edits"

# 2. The distributor: its PO number, then to the vendor.
act "$distributor" "$id" po-number '{"po_number":"PO-API-CYCLE"}'
act "$distributor" "$id" submit-to-vendor '{}'

# 3. The vendor completes it.
act "$vendor" "$id" complete '{}'
read_api "$distributor" "/api/v1/reports/$id" |
  jq -r '"report \(.id): \(.status), PO \(.po_number), total \(.total) \(.currency); history:",
         (.history[-4:][] | "  \(.at) \(.event) by \(.actor)")'
