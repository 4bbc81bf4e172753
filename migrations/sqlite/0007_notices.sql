-- Notices in the app: what happened to a report, for the organisation concerned (the partner
-- or the distributor), with who of its users has read it. Rows an outbox can later also send by
-- email or webhook. A reminder carries a key so that it is written once per report, kind and
-- deadline, however often (and on however many instances) the job runner runs.

CREATE TABLE notices (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organisations (id),
    report_id   INTEGER NOT NULL REFERENCES reports (id),
    kind        TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    once_key    TEXT    UNIQUE
);
CREATE INDEX notices_org ON notices (org_id, id);

CREATE TABLE notice_reads (
    notice_id  INTEGER NOT NULL REFERENCES notices (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    read_at    TEXT    NOT NULL,
    PRIMARY KEY (notice_id, user_id)
);
