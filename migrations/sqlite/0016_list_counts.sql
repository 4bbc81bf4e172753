-- The reports list counts and sums every matching report by currency, status and month on each
-- page (db/reports/list.rs). This index holds all five columns it reads, so that count is
-- read from the index alone, in its grouping order, without visiting the reports themselves.
-- The other migration with the same number has the same meaning.

CREATE INDEX reports_list_counts ON reports (currency, status, sub_status, period, total_e4);
