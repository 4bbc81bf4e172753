-- Email: each user's choice of the notices they are also sent by email, and the outbox of those
-- emails.
--   * `email_choices`: a user's own choice for one kind of notice (`wanted` 1 or 0); without a
--     row, the kind's default applies (`domain::email::emailed_by_default`).
--   * `emails`: one row per notice and user who wants it, written by the same transaction as the
--     notice (so none is lost). The email is composed when it is sent, to the user's address of
--     then. `state`: pending (next try at `next_attempt_at`), sent, failed (given up), or expired
--     (not sent within a day of its notice). Rows are never deleted.
-- The PostgreSQL migration with the same number has the same meaning.

CREATE TABLE email_choices (
    user_id     INTEGER NOT NULL REFERENCES users (id),
    kind        TEXT    NOT NULL,
    wanted      INTEGER NOT NULL CHECK (wanted IN (0, 1)),
    changed_at  TEXT    NOT NULL,
    PRIMARY KEY (user_id, kind)
);

CREATE TABLE emails (
    id               INTEGER PRIMARY KEY,
    notice_id        INTEGER NOT NULL REFERENCES notices (id),
    user_id          INTEGER NOT NULL REFERENCES users (id),
    state            TEXT    NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'sent', 'failed', 'expired')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT    NOT NULL,
    last_error       TEXT,
    created_at       TEXT    NOT NULL,
    sent_at          TEXT,
    UNIQUE (notice_id, user_id)
);
CREATE INDEX emails_due ON emails (state, next_attempt_at);

CREATE TRIGGER emails_never_deleted BEFORE DELETE ON emails
BEGIN
    SELECT RAISE(ABORT, 'workflow: emails are never deleted');
END;
