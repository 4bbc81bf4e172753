-- The reports list sorted by total (db/reports/list_sql.rs, `order_by`) reads its page from
-- this index, in the list's order, instead of sorting every report that matches: a page far
-- into 100,000 reports then skips index entries rather than sorting them all. Its second
-- column is the ORDER BY's expression, written the same way (the databases use an index on an
-- expression only for that expression): reports still being prepared rank last, their totals
-- not being final. tests/app.rs checks on both backends that the sorted list's plan uses it,
-- so a change to the ORDER BY that this index no longer matches fails there.
-- The SQLite migration with the same number has the same meaning.

CREATE INDEX reports_total_order ON reports
    (currency, (CASE WHEN status = 'msp_preparing' THEN -1 ELSE total_e4 END) DESC, id);
