-- The reports list counts and sums every report its filters match, by currency, status and
-- month, on each page (db/reports/list.rs). At 100,000 reports that count was most of a page's
-- time, read from every report. This table holds those counts and sums already added up, per
-- distributor, region, month, currency, status and whether the vendor has received the report.
-- A list whose filters name only these columns adds up a few rows here instead; any other
-- filter (a partner, a flag, overdue) counts the reports themselves.
--   * the triggers below keep it as reports are created and change, in the same transaction;
--   * it is a sum of the reports, never written by the application: tests/list.rs checks it
--     against the reports on both backends;
--   * `sub_status` is '' where the report's is NULL (a key column has no NULL);
--   * a row whose reports all moved elsewhere stays, with 0 reports.
-- The other migration with the same number has the same meaning.

CREATE TABLE report_counts (
    distributor_id INTEGER NOT NULL,
    region_id      INTEGER NOT NULL,
    period         INTEGER NOT NULL,
    currency       TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    sub_status     TEXT    NOT NULL,
    reached_vendor INTEGER NOT NULL,
    reports        BIGINT  NOT NULL,
    total_e4       BIGINT  NOT NULL,
    PRIMARY KEY (distributor_id, region_id, period, currency, status, sub_status, reached_vendor)
);

INSERT INTO report_counts
SELECT distributor_id, region_id, period, currency, status, COALESCE(sub_status, ''),
       CASE WHEN sent_to_vendor_at IS NULL THEN 0 ELSE 1 END, COUNT(*), SUM(total_e4)
FROM reports
GROUP BY distributor_id, region_id, period, currency, status, COALESCE(sub_status, ''),
         CASE WHEN sent_to_vendor_at IS NULL THEN 0 ELSE 1 END;

CREATE TRIGGER report_counts_on_insert AFTER INSERT ON reports
BEGIN
    INSERT INTO report_counts VALUES (
        NEW.distributor_id, NEW.region_id, NEW.period, NEW.currency, NEW.status,
        COALESCE(NEW.sub_status, ''), CASE WHEN NEW.sent_to_vendor_at IS NULL THEN 0 ELSE 1 END,
        1, NEW.total_e4)
    ON CONFLICT (distributor_id, region_id, period, currency, status, sub_status, reached_vendor)
    DO UPDATE SET reports = reports + 1, total_e4 = total_e4 + excluded.total_e4;
END;

CREATE TRIGGER report_counts_on_update AFTER UPDATE ON reports
WHEN NEW.distributor_id IS NOT OLD.distributor_id OR NEW.region_id IS NOT OLD.region_id
    OR NEW.period IS NOT OLD.period OR NEW.currency IS NOT OLD.currency
    OR NEW.status IS NOT OLD.status OR NEW.sub_status IS NOT OLD.sub_status
    OR NEW.sent_to_vendor_at IS NOT OLD.sent_to_vendor_at OR NEW.total_e4 IS NOT OLD.total_e4
BEGIN
    UPDATE report_counts SET reports = reports - 1, total_e4 = total_e4 - OLD.total_e4
    WHERE distributor_id = OLD.distributor_id AND region_id = OLD.region_id
      AND period = OLD.period AND currency = OLD.currency AND status = OLD.status
      AND sub_status = COALESCE(OLD.sub_status, '')
      AND reached_vendor = CASE WHEN OLD.sent_to_vendor_at IS NULL THEN 0 ELSE 1 END;
    INSERT INTO report_counts VALUES (
        NEW.distributor_id, NEW.region_id, NEW.period, NEW.currency, NEW.status,
        COALESCE(NEW.sub_status, ''), CASE WHEN NEW.sent_to_vendor_at IS NULL THEN 0 ELSE 1 END,
        1, NEW.total_e4)
    ON CONFLICT (distributor_id, region_id, period, currency, status, sub_status, reached_vendor)
    DO UPDATE SET reports = reports + 1, total_e4 = total_e4 + excluded.total_e4;
END;
