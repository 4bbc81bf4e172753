-- The vendor keeps sight of every report it has received, whatever happens to it afterwards
-- (a report it returned for clarification and the distributor then sent back to the partner
-- stays in the vendor's list, with its history). `sent_to_vendor_at` records when a report
-- first reached the vendor (UTC, RFC 3339); the vendor's visibility follows it, not the status.
--   * it is set by the same write that first moves a report to Submitted to vendor;
--   * once set, it never changes and is never cleared;
--   * a report whose status says it reached the vendor (Submitted to vendor, Completed, Under
--     review returned by vendor) always has it: `domain::policy::reached_vendor`, checked
--     against these triggers for every status by tests/db_guards.rs.
-- The SQLite migration with the same number has the same meaning.

ALTER TABLE reports ADD COLUMN sent_to_vendor_at TEXT;

-- Reports that reached the vendor before this column: the first time the history shows the
-- move (its code, or the label older entries stored), else the report's last change.
UPDATE reports SET sent_to_vendor_at = COALESCE(
    (SELECT MIN(h.at) FROM history h
     WHERE h.report_id = reports.id
       AND h.to_status IN ('submitted_to_vendor', 'Submitted to vendor')),
    CASE WHEN status IN ('submitted_to_vendor', 'completed')
              OR sub_status = 'returned_by_vendor' THEN updated_at END);

CREATE INDEX reports_sent_to_vendor ON reports (sent_to_vendor_at) WHERE sent_to_vendor_at IS NOT NULL;

CREATE FUNCTION reports_vendor_received() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.sent_to_vendor_at IS NOT NULL
       AND NEW.sent_to_vendor_at IS DISTINCT FROM OLD.sent_to_vendor_at THEN
        RAISE EXCEPTION 'workflow: when a report reached the vendor never changes';
    END IF;
    IF NEW.sent_to_vendor_at IS NULL AND (NEW.status IN ('submitted_to_vendor', 'completed')
       OR NEW.sub_status IS NOT DISTINCT FROM 'returned_by_vendor') THEN
        RAISE EXCEPTION 'workflow: a report that reached the vendor must say when';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER reports_vendor_received BEFORE INSERT OR UPDATE ON reports
    FOR EACH ROW EXECUTE FUNCTION reports_vendor_received();
