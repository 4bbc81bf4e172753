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
-- The SQLite migration with the same number has the same meaning.

CREATE FUNCTION reports_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'workflow: reports are never deleted';
    END IF;
    IF OLD.status <> NEW.status AND OLD.status || '>' || NEW.status NOT IN (
        'msp_preparing>under_review', 'rejected>under_review', 'under_review>rejected',
        'under_review>submitted_to_vendor', 'submitted_to_vendor>completed',
        'submitted_to_vendor>under_review') THEN
        RAISE EXCEPTION 'workflow: this status change is not a transition of the workflow';
    END IF;
    IF NEW.version < OLD.version OR (NEW.version = OLD.version AND
        ROW(NEW.id, NEW.status, NEW.sub_status, NEW.po_number, NEW.total_e4, NEW.auto_penalties,
            NEW.has_comments, NEW.submission_deadline, NEW.review_deadline, NEW.partner_id,
            NEW.distributor_id, NEW.region_id, NEW.period, NEW.currency, NEW.created_at,
            NEW.updated_at)
        IS DISTINCT FROM
        ROW(OLD.id, OLD.status, OLD.sub_status, OLD.po_number, OLD.total_e4, OLD.auto_penalties,
            OLD.has_comments, OLD.submission_deadline, OLD.review_deadline, OLD.partner_id,
            OLD.distributor_id, OLD.region_id, OLD.period, OLD.currency, OLD.created_at,
            OLD.updated_at)) THEN
        RAISE EXCEPTION 'workflow: a change to a report must move its version on';
    END IF;
    IF OLD.status = 'completed' AND (
        NEW.version IS DISTINCT FROM OLD.version OR NEW.updated_at IS DISTINCT FROM OLD.updated_at
        OR (OLD.below_used IS NOT NULL AND NEW.below_used IS DISTINCT FROM OLD.below_used)
        OR (OLD.anomaly IS NOT NULL AND NEW.anomaly IS DISTINCT FROM OLD.anomaly)) THEN
        RAISE EXCEPTION 'workflow: a completed report is read-only';
    END IF;
    IF OLD.status = 'submitted_to_vendor' AND (NEW.total_e4 IS DISTINCT FROM OLD.total_e4
        OR NEW.po_number IS DISTINCT FROM OLD.po_number) THEN
        RAISE EXCEPTION 'workflow: what was sent to the vendor cannot change';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER reports_guard BEFORE UPDATE OR DELETE ON reports
    FOR EACH ROW EXECUTE FUNCTION reports_guard();

CREATE FUNCTION reports_never_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'workflow: reports are never deleted';
END;
$$;

CREATE TRIGGER reports_never_truncated BEFORE TRUNCATE ON reports
    FOR EACH STATEMENT EXECUTE FUNCTION reports_never_truncated();

CREATE FUNCTION line_items_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM reports WHERE id = OLD.report_id
                   AND status IN ('submitted_to_vendor', 'completed'))
       OR (TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM reports WHERE id = NEW.report_id
                   AND status IN ('submitted_to_vendor', 'completed'))) THEN
        RAISE EXCEPTION 'workflow: the lines of a report submitted to the vendor or completed cannot change';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER line_items_frozen BEFORE UPDATE OR DELETE ON line_items
    FOR EACH ROW EXECUTE FUNCTION line_items_frozen();
