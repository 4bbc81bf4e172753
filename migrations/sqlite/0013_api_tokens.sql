-- API tokens and the answers kept for idempotent retries of the public API (`/api/v1`).
--   * a token is stored only as the SHA-256 of its value (shown once, at creation); it acts for
--     its user's organisation with its scope ('read' or 'act'); revoking sets `revoked_at`, and a
--     revoked token is kept so the history's "via API token 'NAME'" still names a known token;
--   * `api_idempotency` holds, per token and `Idempotency-Key`, the first answer to an action
--     (`status` 0 while it runs), replayed to a retry for 24 hours; `request_hash` tells a retry
--     from a different request reusing the key.
-- The PostgreSQL migration with the same number has the same meaning.

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id),
    name          TEXT    NOT NULL CHECK (LENGTH(name) BETWEEN 1 AND 60),
    scope         TEXT    NOT NULL CHECK (scope IN ('read', 'act')),
    token_hash    TEXT    NOT NULL UNIQUE,
    created_at    TEXT    NOT NULL,
    created_by    TEXT    NOT NULL,
    last_used_at  TEXT,
    revoked_at    TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE api_idempotency (
    token_id      INTEGER NOT NULL REFERENCES api_tokens (id),
    idem_key      TEXT    NOT NULL,
    request_hash  TEXT    NOT NULL,
    status        INTEGER NOT NULL,
    body          TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    PRIMARY KEY (token_id, idem_key)
);
CREATE INDEX api_idempotency_age ON api_idempotency (created_at);
