-- Webhooks: an organisation's endpoints, and the outbox of the events sent to them.
--   * `webhook_endpoints`: an HTTPS address (HTTP for loopback only) of an organisation, the
--     events it asked for (codes separated by commas), and the secret each delivery is signed
--     with (kept as is: the server needs it to sign; shown to the administrator once). Removing
--     one sets `removed_at`; it is kept, with its deliveries, for the log.
--   * `webhook_deliveries`: one row per event and endpoint, written by the same transaction as
--     the change it tells of (so no event is lost between the two), with the body as it is sent
--     (frozen: every try sends the same bytes). `state` as for the deliveries to the vendor:
--     pending (next try at `next_attempt_at`), delivered, or failed (given up; "resend" makes
--     it pending again). `last_status` is the receiver's last HTTP status code, if it answered.
-- The PostgreSQL migration with the same number has the same meaning.

CREATE TABLE webhook_endpoints (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organisations (id),
    url         TEXT    NOT NULL CHECK (LENGTH(url) BETWEEN 8 AND 500),
    events      TEXT    NOT NULL CHECK (LENGTH(events) > 0),
    secret      TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    created_by  TEXT    NOT NULL,
    removed_at  TEXT
);
CREATE INDEX webhook_endpoints_org ON webhook_endpoints (org_id);

CREATE TABLE webhook_deliveries (
    id               INTEGER PRIMARY KEY,
    endpoint_id      INTEGER NOT NULL REFERENCES webhook_endpoints (id),
    event_id         TEXT    NOT NULL,
    event            TEXT    NOT NULL,
    report_id        INTEGER NOT NULL REFERENCES reports (id),
    payload          TEXT    NOT NULL,
    state            TEXT    NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT    NOT NULL,
    last_status      INTEGER,
    last_error       TEXT,
    created_at       TEXT    NOT NULL,
    delivered_at     TEXT,
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);

CREATE TRIGGER webhook_deliveries_never_deleted BEFORE DELETE ON webhook_deliveries
BEGIN
    SELECT RAISE(ABORT, 'workflow: webhook deliveries are never deleted');
END;

CREATE TRIGGER webhook_deliveries_sent_as_frozen BEFORE UPDATE ON webhook_deliveries
WHEN NEW.payload IS NOT OLD.payload OR NEW.event_id IS NOT OLD.event_id
    OR NEW.endpoint_id IS NOT OLD.endpoint_id
BEGIN
    SELECT RAISE(ABORT, 'workflow: a webhook delivery''s body never changes');
END;
