-- The database keeps the workflow even against a direct UPDATE (SPEC §4). The application
-- never trips these triggers: `domain::status::apply` decides every move first, and
-- tests/db_guards.rs checks that the moves allowed here are exactly the moves it allows.
--   * a status changes only along a transition of SPEC §4;
--   * any change to what a report says moves its version on, and the version never goes back
--     (the line flags below_used/anomaly are a cache the server fills, not a change);
--   * a Completed report is read-only forever (its flags may only be filled in once);
--   * what went to the vendor is frozen: from Submitted to vendor on, the total, the PO number
--     and the lines cannot change;
--   * reports are never deleted.
-- The PostgreSQL migration with the same number has the same meaning.

CREATE TRIGGER reports_moves_follow_the_workflow BEFORE UPDATE OF status ON reports
WHEN OLD.status <> NEW.status AND OLD.status || '>' || NEW.status NOT IN (
    'msp_preparing>under_review', 'rejected>under_review', 'under_review>rejected',
    'under_review>submitted_to_vendor', 'submitted_to_vendor>completed',
    'submitted_to_vendor>under_review')
BEGIN
    SELECT RAISE(ABORT, 'workflow: this status change is not a transition of the workflow');
END;

CREATE TRIGGER reports_version_moves_on BEFORE UPDATE ON reports
WHEN NEW.version < OLD.version OR (NEW.version = OLD.version AND (
    NEW.status IS NOT OLD.status OR NEW.sub_status IS NOT OLD.sub_status
    OR NEW.po_number IS NOT OLD.po_number OR NEW.total_e4 IS NOT OLD.total_e4
    OR NEW.auto_penalties IS NOT OLD.auto_penalties OR NEW.has_comments IS NOT OLD.has_comments
    OR NEW.submission_deadline IS NOT OLD.submission_deadline
    OR NEW.review_deadline IS NOT OLD.review_deadline
    OR NEW.partner_id IS NOT OLD.partner_id OR NEW.distributor_id IS NOT OLD.distributor_id
    OR NEW.region_id IS NOT OLD.region_id OR NEW.period IS NOT OLD.period
    OR NEW.currency IS NOT OLD.currency OR NEW.created_at IS NOT OLD.created_at
    OR NEW.updated_at IS NOT OLD.updated_at OR NEW.id IS NOT OLD.id))
BEGIN
    SELECT RAISE(ABORT, 'workflow: a change to a report must move its version on');
END;

CREATE TRIGGER reports_completed_are_read_only BEFORE UPDATE ON reports
WHEN OLD.status = 'completed' AND (
    NEW.version IS NOT OLD.version OR NEW.updated_at IS NOT OLD.updated_at
    OR (OLD.below_used IS NOT NULL AND NEW.below_used IS NOT OLD.below_used)
    OR (OLD.anomaly IS NOT NULL AND NEW.anomaly IS NOT OLD.anomaly))
BEGIN
    SELECT RAISE(ABORT, 'workflow: a completed report is read-only');
END;

CREATE TRIGGER reports_sent_are_frozen BEFORE UPDATE ON reports
WHEN OLD.status = 'submitted_to_vendor'
    AND (NEW.total_e4 IS NOT OLD.total_e4 OR NEW.po_number IS NOT OLD.po_number)
BEGIN
    SELECT RAISE(ABORT, 'workflow: what was sent to the vendor cannot change');
END;

CREATE TRIGGER reports_never_deleted BEFORE DELETE ON reports
BEGIN
    SELECT RAISE(ABORT, 'workflow: reports are never deleted');
END;

CREATE TRIGGER line_items_frozen_update BEFORE UPDATE ON line_items
WHEN (SELECT status FROM reports WHERE id = OLD.report_id) IN ('submitted_to_vendor', 'completed')
  OR (SELECT status FROM reports WHERE id = NEW.report_id) IN ('submitted_to_vendor', 'completed')
BEGIN
    SELECT RAISE(ABORT, 'workflow: the lines of a report submitted to the vendor or completed cannot change');
END;

CREATE TRIGGER line_items_frozen_delete BEFORE DELETE ON line_items
WHEN (SELECT status FROM reports WHERE id = OLD.report_id) IN ('submitted_to_vendor', 'completed')
BEGIN
    SELECT RAISE(ABORT, 'workflow: the lines of a report submitted to the vendor or completed cannot change');
END;
