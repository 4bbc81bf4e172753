-- The month-over-month anomaly setting of a distributor: a line whose chargeable units moved by
-- more than this percentage of the previous cycle's is flagged (default 50 %). Scaled by 10^4
-- like the over-provisioning threshold. Adding a column with a default touches no report.

ALTER TABLE organisations ADD COLUMN anomaly_threshold_e4 BIGINT NOT NULL DEFAULT 500000
    CHECK (anomaly_threshold_e4 BETWEEN 0 AND 1000000);
