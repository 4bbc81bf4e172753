-- Users, sessions and sign-in attempts. Sessions live in the database so that several server
-- instances can share them. A session is stored under the SHA-256 of its cookie value, so a copy
-- of this table cannot be replayed as cookies.

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES organisations (id),
    email          TEXT    NOT NULL UNIQUE CHECK (email = LOWER(email) AND LENGTH(email) BETWEEN 3 AND 254),
    name           TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('administrator', 'billing_manager', 'support', 'platform_admin')),
    password_hash  TEXT    NOT NULL,
    created_at     TEXT    NOT NULL
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE sessions (
    id_hash       TEXT    PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id),
    created_at    BIGINT  NOT NULL,
    last_seen_at  BIGINT  NOT NULL,
    expires_at    BIGINT  NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins, per account and per address, for throttling. Times are Unix seconds.
CREATE TABLE sign_in_failures (
    id       INTEGER PRIMARY KEY,
    email    TEXT    NOT NULL,
    address  TEXT    NOT NULL,
    at       BIGINT  NOT NULL
);
CREATE INDEX sign_in_failures_email ON sign_in_failures (email, at);
CREATE INDEX sign_in_failures_address ON sign_in_failures (address, at);
