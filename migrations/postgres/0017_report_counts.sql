-- The reports list counts and sums every report its filters match, by currency, status and
-- month, on each page (db/reports/list.rs). At 100,000 reports that count was most of a page's
-- time, read from every report. This table holds those counts and sums already added up, per
-- distributor, region, month, currency, status and whether the vendor has received the report.
-- A list whose filters name only these columns adds up a few rows here instead; any other
-- filter (a partner, a flag, overdue) counts the reports themselves.
--   * the trigger below keeps it as reports are created and change, in the same transaction;
--   * it is a sum of the reports, never written by the application: tests/list.rs checks it
--     against the reports on both backends;
--   * `sub_status` is '' where the report's is NULL (a key column has no NULL);
--   * a row whose reports all moved elsewhere stays, with 0 reports;
--   * a report that moves takes its two rows' locks in key order, so that two reports moving
--     between the same two rows in opposite directions do not wait on each other.
-- The other migration with the same number has the same meaning.

CREATE TABLE report_counts (
    distributor_id BIGINT NOT NULL,
    region_id      BIGINT NOT NULL,
    period         BIGINT NOT NULL,
    currency       TEXT   NOT NULL,
    status         TEXT   NOT NULL,
    sub_status     TEXT   NOT NULL,
    reached_vendor BIGINT NOT NULL,
    reports        BIGINT NOT NULL,
    total_e4       BIGINT NOT NULL,
    PRIMARY KEY (distributor_id, region_id, period, currency, status, sub_status, reached_vendor)
);

INSERT INTO report_counts
SELECT distributor_id, region_id, period, currency, status, COALESCE(sub_status, ''),
       CASE WHEN sent_to_vendor_at IS NULL THEN 0 ELSE 1 END, COUNT(*), SUM(total_e4)
FROM reports
GROUP BY distributor_id, region_id, period, currency, status, COALESCE(sub_status, ''),
         CASE WHEN sent_to_vendor_at IS NULL THEN 0 ELSE 1 END;

CREATE FUNCTION report_counts_add(r reports, reports_added BIGINT) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_counts VALUES (
        r.distributor_id, r.region_id, r.period, r.currency, r.status,
        COALESCE(r.sub_status, ''), CASE WHEN r.sent_to_vendor_at IS NULL THEN 0 ELSE 1 END,
        reports_added, reports_added * r.total_e4)
    ON CONFLICT (distributor_id, region_id, period, currency, status, sub_status, reached_vendor)
    DO UPDATE SET reports = report_counts.reports + excluded.reports,
                  total_e4 = report_counts.total_e4 + excluded.total_e4;
END;
$$;

CREATE FUNCTION report_counts_kept() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_key RECORD;
    new_key RECORD;
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM report_counts_add(NEW, 1);
        RETURN NULL;
    END IF;
    SELECT NEW.distributor_id, NEW.region_id, NEW.period, NEW.currency, NEW.status,
           COALESCE(NEW.sub_status, ''), NEW.sent_to_vendor_at IS NULL INTO new_key;
    SELECT OLD.distributor_id, OLD.region_id, OLD.period, OLD.currency, OLD.status,
           COALESCE(OLD.sub_status, ''), OLD.sent_to_vendor_at IS NULL INTO old_key;
    IF new_key IS NOT DISTINCT FROM old_key AND NEW.total_e4 = OLD.total_e4 THEN
        RETURN NULL;
    END IF;
    IF new_key < old_key THEN
        PERFORM report_counts_add(NEW, 1);
        PERFORM report_counts_add(OLD, -1);
    ELSE
        PERFORM report_counts_add(OLD, -1);
        PERFORM report_counts_add(NEW, 1);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER report_counts_kept AFTER INSERT OR UPDATE ON reports
    FOR EACH ROW EXECUTE FUNCTION report_counts_kept();
