-- Two more flags of a report, kept with it so that lists show them and filter by them without
-- reading any line: some line is charged below its reported usage (below_used), some line's
-- chargeable moved by more than the distributor's anomaly threshold since the partner's previous
-- cycle (anomaly). The application judges them from the lines whenever it writes a report's
-- lines. Existing reports start empty (NULL, "not judged yet") and the application judges them
-- at start-up with the same rule (server::db::reports::backfill_flags): the rule is written once,
-- in the domain, not here. Adding a nullable column rewrites no row.
--
-- Each flag the list filters by gets an index that also orders by cycle.

ALTER TABLE reports ADD COLUMN below_used INTEGER CHECK (below_used IN (0, 1));
ALTER TABLE reports ADD COLUMN anomaly INTEGER CHECK (anomaly IN (0, 1));

CREATE INDEX reports_has_comments_period ON reports (has_comments, period);
CREATE INDEX reports_auto_penalties_period ON reports (auto_penalties, period);
CREATE INDEX reports_below_used_period ON reports (below_used, period);
CREATE INDEX reports_anomaly_period ON reports (anomaly, period);
