-- The vendor keeps sight of every report it has received, whatever happens to it afterwards
-- (a report it returned for clarification and the distributor then sent back to the partner
-- stays in the vendor's list, with its history). `sent_to_vendor_at` records when a report
-- first reached the vendor (UTC, RFC 3339); the vendor's visibility follows it, not the status.
--   * it is set by the same write that first moves a report to Submitted to vendor;
--   * once set, it never changes and is never cleared;
--   * a report whose status says it reached the vendor (Submitted to vendor, Completed, Under
--     review returned by vendor) always has it: `domain::policy::reached_vendor`, checked
--     against these triggers for every status by tests/db_guards.rs.
-- The PostgreSQL migration with the same number has the same meaning.

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

CREATE TRIGGER reports_sent_to_vendor_kept BEFORE UPDATE OF sent_to_vendor_at ON reports
WHEN OLD.sent_to_vendor_at IS NOT NULL AND NEW.sent_to_vendor_at IS NOT OLD.sent_to_vendor_at
BEGIN
    SELECT RAISE(ABORT, 'workflow: when a report reached the vendor never changes');
END;

CREATE TRIGGER reports_reached_vendor_recorded BEFORE UPDATE ON reports
WHEN NEW.sent_to_vendor_at IS NULL AND (NEW.status IN ('submitted_to_vendor', 'completed')
    OR NEW.sub_status = 'returned_by_vendor')
BEGIN
    SELECT RAISE(ABORT, 'workflow: a report that reached the vendor must say when');
END;

CREATE TRIGGER reports_reached_vendor_recorded_new BEFORE INSERT ON reports
WHEN NEW.sent_to_vendor_at IS NULL AND (NEW.status IN ('submitted_to_vendor', 'completed')
    OR NEW.sub_status = 'returned_by_vendor')
BEGIN
    SELECT RAISE(ABORT, 'workflow: a report that reached the vendor must say when');
END;
