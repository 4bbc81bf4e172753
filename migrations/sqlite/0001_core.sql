-- Core schema. Money and percentages are BIGINT scaled by 10^4 ("_e4"): exact on both
-- backends, summed exactly in SQL, and wide enough for every currency's minor units.
-- Periods are calendar months stored as yyyymm integers. Timestamps are UTC RFC 3339 text.
-- Flags are 0/1 integers with a CHECK: the portable driver cannot read SQLite booleans.
-- The PostgreSQL migration with the same number has the same meaning.

CREATE TABLE regions (
    id                 INTEGER PRIMARY KEY,
    code               TEXT    NOT NULL UNIQUE,
    name               TEXT    NOT NULL,
    currency           TEXT    NOT NULL CHECK (currency IN ('USD', 'CAD', 'MXN', 'BRL', 'EUR', 'GBP', 'CHF', 'AUD', 'NZD', 'SGD', 'JPY', 'KWD', 'BHD')),
    billing_enabled    INTEGER NOT NULL CHECK (billing_enabled IN (0, 1)),
    pricing_code_kind  TEXT    NOT NULL CHECK (pricing_code_kind IN ('bid_desk_number', 'promote_code')),
    code_unlocks       TEXT    NOT NULL CHECK (code_unlocks IN ('unit_price', 'channel_margin'))
);

CREATE TABLE organisations (
    id                  INTEGER PRIMARY KEY,
    kind                TEXT    NOT NULL CHECK (kind IN ('vendor', 'distributor', 'partner', 'operator')),
    name                TEXT    NOT NULL,
    region_id           INTEGER REFERENCES regions (id),
    distributor_id      INTEGER REFERENCES organisations (id),
    partner_kind        TEXT    CHECK (partner_kind IN ('msp', 'reseller')),
    partner_status      TEXT    CHECK (partner_status IN ('active', 'suspended', 'cancelled')),
    threshold_e4        BIGINT  NOT NULL DEFAULT 0 CHECK (threshold_e4 BETWEEN 0 AND 1000000),
    auto_approve        INTEGER NOT NULL DEFAULT 0 CHECK (auto_approve IN (0, 1)),
    CONSTRAINT organisations_distributor_has_region CHECK ((kind = 'distributor') = (region_id IS NOT NULL)),
    CONSTRAINT organisations_partner_has_distributor CHECK (
        (kind = 'partner') = (distributor_id IS NOT NULL)
        AND (kind = 'partner') = (partner_kind IS NOT NULL)
        AND (kind = 'partner') = (partner_status IS NOT NULL))
);
CREATE INDEX organisations_distributor ON organisations (distributor_id);
CREATE INDEX organisations_name ON organisations (name);

CREATE TABLE products (
    id             INTEGER PRIMARY KEY,
    sku            TEXT    NOT NULL UNIQUE,
    name           TEXT    NOT NULL,
    unit_type      TEXT    NOT NULL,
    reports_usage  INTEGER NOT NULL CHECK (reports_usage IN (0, 1))
);

-- The vendor's price book: list price and channel margin per region x product x validity.
CREATE TABLE price_book (
    id             INTEGER PRIMARY KEY,
    region_id      INTEGER NOT NULL REFERENCES regions (id),
    product_id     INTEGER NOT NULL REFERENCES products (id),
    valid_from     INTEGER NOT NULL CHECK (valid_from BETWEEN 190001 AND 999912 AND valid_from % 100 BETWEEN 1 AND 12),
    valid_to       INTEGER CHECK (valid_to IS NULL OR (valid_to >= valid_from AND valid_to % 100 BETWEEN 1 AND 12)),
    list_price_e4  BIGINT  NOT NULL CHECK (list_price_e4 >= 0),
    margin_e4      BIGINT  NOT NULL CHECK (margin_e4 >= 0 AND margin_e4 < 1000000),
    UNIQUE (region_id, product_id, valid_from)
);

-- Special pricing codes (Bid Desk Numbers / Promote Codes) issued by the vendor.
CREATE TABLE pricing_codes (
    id             INTEGER PRIMARY KEY,
    code           TEXT    NOT NULL UNIQUE,
    partner_id     INTEGER NOT NULL REFERENCES organisations (id),
    product_id     INTEGER NOT NULL REFERENCES products (id),
    unit_price_e4  BIGINT  CHECK (unit_price_e4 IS NULL OR unit_price_e4 >= 0),
    margin_e4      BIGINT  CHECK (margin_e4 IS NULL OR (margin_e4 >= 0 AND margin_e4 < 1000000)),
    valid_from     INTEGER NOT NULL,
    valid_to       INTEGER NOT NULL CHECK (valid_to >= valid_from),
    CHECK (unit_price_e4 IS NOT NULL OR margin_e4 IS NOT NULL)
);

-- What the vendor's provisioning systems report per partner x product x month.
CREATE TABLE usage_feed (
    partner_id   INTEGER NOT NULL REFERENCES organisations (id),
    product_id   INTEGER NOT NULL REFERENCES products (id),
    period       INTEGER NOT NULL CHECK (period BETWEEN 190001 AND 999912 AND period % 100 BETWEEN 1 AND 12),
    provisioned  BIGINT  NOT NULL CHECK (provisioned >= 0),
    used         BIGINT  CHECK (used IS NULL OR used >= 0),
    PRIMARY KEY (partner_id, product_id, period)
);

CREATE TABLE reports (
    id                    INTEGER PRIMARY KEY,
    partner_id            INTEGER NOT NULL REFERENCES organisations (id),
    distributor_id        INTEGER NOT NULL REFERENCES organisations (id),
    region_id             INTEGER NOT NULL REFERENCES regions (id),
    period                INTEGER NOT NULL CHECK (period BETWEEN 190001 AND 999912 AND period % 100 BETWEEN 1 AND 12),
    currency              TEXT    NOT NULL CHECK (currency IN ('USD', 'CAD', 'MXN', 'BRL', 'EUR', 'GBP', 'CHF', 'AUD', 'NZD', 'SGD', 'JPY', 'KWD', 'BHD')),
    status                TEXT    NOT NULL CHECK (status IN ('msp_preparing', 'under_review', 'rejected', 'submitted_to_vendor', 'completed')),
    sub_status            TEXT    CHECK (sub_status IN ('manual', 'auto_no_penalties', 'auto_penalties', 'returned_by_vendor')),
    po_number             TEXT,
    submission_deadline   TEXT    NOT NULL,
    review_deadline       TEXT    NOT NULL,
    total_e4              BIGINT  NOT NULL DEFAULT 0 CHECK (total_e4 >= 0),
    auto_penalties        INTEGER NOT NULL DEFAULT 0 CHECK (auto_penalties IN (0, 1)),
    has_comments          INTEGER NOT NULL DEFAULT 0 CHECK (has_comments IN (0, 1)),
    version               BIGINT  NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at            TEXT    NOT NULL,
    updated_at            TEXT    NOT NULL,
    CONSTRAINT reports_one_per_partner_period UNIQUE (partner_id, period),
    CONSTRAINT reports_sub_status_only_under_review CHECK ((status = 'under_review') = (sub_status IS NOT NULL))
);
CREATE INDEX reports_period_status ON reports (period, status);
CREATE INDEX reports_region_period ON reports (region_id, period);
CREATE INDEX reports_distributor_period ON reports (distributor_id, period);

CREATE TABLE line_items (
    id                       INTEGER PRIMARY KEY,
    report_id                INTEGER NOT NULL REFERENCES reports (id),
    position                 INTEGER NOT NULL CHECK (position >= 0),
    product_id               INTEGER NOT NULL REFERENCES products (id),
    provisioned              BIGINT  NOT NULL CHECK (provisioned >= 0),
    used                     BIGINT  CHECK (used IS NULL OR used >= 0),
    chargeable               BIGINT  NOT NULL CHECK (chargeable >= 0),
    comment                  TEXT,
    catalogue_unit_price_e4  BIGINT  NOT NULL CHECK (catalogue_unit_price_e4 >= 0),
    catalogue_margin_e4      BIGINT  NOT NULL CHECK (catalogue_margin_e4 >= 0 AND catalogue_margin_e4 < 1000000),
    unit_price_e4            BIGINT  NOT NULL CHECK (unit_price_e4 >= 0),
    margin_e4                BIGINT  NOT NULL CHECK (margin_e4 >= 0 AND margin_e4 < 1000000),
    pricing_code             TEXT,
    code_applied_by          TEXT,
    code_applied_at          TEXT,
    gross_e4                 BIGINT  NOT NULL CHECK (gross_e4 >= 0),
    amount_owed_e4           BIGINT  NOT NULL CHECK (amount_owed_e4 >= 0 AND amount_owed_e4 <= gross_e4),
    UNIQUE (report_id, product_id),
    UNIQUE (report_id, position)
);

-- Everything that happens to a report. Append-only: the triggers below refuse any change.
CREATE TABLE history (
    id           INTEGER PRIMARY KEY,
    report_id    INTEGER NOT NULL REFERENCES reports (id),
    at           TEXT    NOT NULL,
    actor        TEXT    NOT NULL,
    actor_org    TEXT,
    actor_role   TEXT,
    action       TEXT    NOT NULL,
    from_status  TEXT,
    to_status    TEXT,
    comment      TEXT,
    before_json  TEXT,
    after_json   TEXT
);
CREATE INDEX history_report ON history (report_id, id);

CREATE TRIGGER history_no_update BEFORE UPDATE ON history
BEGIN
    SELECT RAISE(ABORT, 'history is append-only');
END;

CREATE TRIGGER history_no_delete BEFORE DELETE ON history
BEGIN
    SELECT RAISE(ABORT, 'history is append-only');
END;
