-- The delivery outbox: each submission to the vendor (by a distributor, or auto-approved) is
-- written here by the same transaction that moves the report, so a report is never lost between
-- its status change and its delivery. The job runner delivers each row through the vendor port
-- (built-in or HTTP), with the row's idempotency key on every try, so a retry never creates a
-- second submission at the vendor.
--   * `payload` is the submission as the vendor's contract carries it (SPEC §6), frozen at the
--     moment of the submission;
--   * `state`: pending (waiting for its next try at `next_attempt_at`), delivered (the vendor
--     answered with `reference`) or failed (given up after `attempts` tries, or refused);
--   * a row is never deleted; "retry now" puts a failed row back to pending.
-- The PostgreSQL migration with the same number has the same meaning.

CREATE TABLE deliveries (
    id               INTEGER PRIMARY KEY,
    report_id        INTEGER NOT NULL REFERENCES reports (id),
    idempotency_key  TEXT    NOT NULL UNIQUE,
    payload          TEXT    NOT NULL,
    state            TEXT    NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT    NOT NULL,
    last_error       TEXT,
    reference        TEXT,
    created_at       TEXT    NOT NULL,
    delivered_at     TEXT,
    CHECK ((state = 'delivered') = (reference IS NOT NULL))
);
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
CREATE INDEX deliveries_report ON deliveries (report_id, id);

-- What was sent, and what the vendor answered, stays as it was.
CREATE TRIGGER deliveries_never_deleted BEFORE DELETE ON deliveries
BEGIN
    SELECT RAISE(ABORT, 'workflow: deliveries are never deleted');
END;

CREATE TRIGGER deliveries_sent_as_frozen BEFORE UPDATE ON deliveries
WHEN NEW.payload IS NOT OLD.payload OR NEW.idempotency_key IS NOT OLD.idempotency_key
    OR NEW.report_id IS NOT OLD.report_id OR OLD.state = 'delivered'
BEGIN
    SELECT RAISE(ABORT, 'workflow: a delivery''s submission, and a delivered one, never change');
END;
