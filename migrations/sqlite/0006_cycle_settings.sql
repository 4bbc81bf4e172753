-- A distributor's monthly cycle: how many days its partners have after the end of a period to
-- submit, how many it has after that to review, and the PO number pattern its auto-approve rule
-- gives a report that has none (`auto_approve` itself is in 0001). Defaults keep every existing
-- distributor on the 5th and the 12th of the following month.

ALTER TABLE organisations ADD COLUMN submission_window_days BIGINT NOT NULL DEFAULT 5
    CHECK (submission_window_days BETWEEN 1 AND 60);
ALTER TABLE organisations ADD COLUMN review_window_days BIGINT NOT NULL DEFAULT 7
    CHECK (review_window_days BETWEEN 1 AND 60);
ALTER TABLE organisations ADD COLUMN auto_approve_po_pattern TEXT;

-- The deadline job finds what is due by status and deadline.
CREATE INDEX reports_status_submission_deadline ON reports (status, submission_deadline);
CREATE INDEX reports_status_review_deadline ON reports (status, review_deadline);
