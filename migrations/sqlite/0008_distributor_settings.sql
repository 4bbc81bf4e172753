-- A distributor's settings page: the highest total its auto-approve rule lets through (with the
-- currency it is in: never compared with a report in another), a version so that two people
-- saving at once cannot overwrite each other unseen, and the audit of every change.
-- Existing distributors keep their settings; the new columns start empty (no limit) and at 1.

ALTER TABLE organisations ADD COLUMN auto_approve_max_total_e4 BIGINT
    CHECK (auto_approve_max_total_e4 IS NULL OR auto_approve_max_total_e4 >= 0);
ALTER TABLE organisations ADD COLUMN auto_approve_max_total_currency TEXT
    CHECK ((auto_approve_max_total_currency IS NULL) = (auto_approve_max_total_e4 IS NULL)
           AND (auto_approve_max_total_currency IS NULL OR auto_approve_max_total_currency IN
                ('USD', 'CAD', 'MXN', 'BRL', 'EUR', 'GBP', 'CHF', 'AUD', 'NZD', 'SGD', 'JPY', 'KWD', 'BHD')));
ALTER TABLE organisations ADD COLUMN settings_version BIGINT NOT NULL DEFAULT 1
    CHECK (settings_version >= 1);

-- One row per setting a save changed, in words, with who and when. Append-only, like history.
CREATE TABLE settings_changes (
    id               INTEGER PRIMARY KEY,
    organisation_id  INTEGER NOT NULL REFERENCES organisations (id),
    version          BIGINT  NOT NULL,
    at               TEXT    NOT NULL,
    actor            TEXT    NOT NULL,
    actor_role       TEXT,
    setting          TEXT    NOT NULL,
    before_value     TEXT    NOT NULL,
    after_value      TEXT    NOT NULL
);
CREATE INDEX settings_changes_organisation ON settings_changes (organisation_id, id);

CREATE TRIGGER settings_changes_no_update BEFORE UPDATE ON settings_changes
BEGIN
    SELECT RAISE(ABORT, 'the settings audit is append-only');
END;

CREATE TRIGGER settings_changes_no_delete BEFORE DELETE ON settings_changes
BEGIN
    SELECT RAISE(ABORT, 'the settings audit is append-only');
END;
