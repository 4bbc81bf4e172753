-- The history becomes tamper-evident: every entry stores the hash of the entry before it in
-- the same report (prev_hash; a report's first entry links to 64 zeros) and the SHA-256 of its
-- own content and that link (hash), computed by the server as it appends
-- (server/db/reports/chain.rs). Editing, removing or reordering an entry breaks the chain, and
-- `billing-reports verify-history` (or the admin's History integrity page) names the first
-- broken entry. One link per predecessor: two entries can never follow the same one.
-- Entries written before this migration have no hash; the server seals them once, in order,
-- when it starts. That is the only change the append-only trigger lets through: filling in
-- the hash of an unsealed entry, nothing else. Only entries up to history_chain_start's id are
-- sealed so: an entry added later without a hash (past the insert trigger) stays unsealed, and
-- the check names it.

ALTER TABLE history ADD COLUMN prev_hash TEXT;
ALTER TABLE history ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX history_chain_links ON history (report_id, prev_hash) WHERE prev_hash IS NOT NULL;

CREATE TABLE history_chain_start (legacy_through BIGINT NOT NULL);
INSERT INTO history_chain_start (legacy_through) SELECT COALESCE(MAX(id), 0) FROM history;

CREATE TRIGGER history_chained BEFORE INSERT ON history
WHEN NEW.hash IS NULL OR NEW.prev_hash IS NULL
BEGIN
    SELECT RAISE(ABORT, 'history entries are chained: prev_hash and hash are required');
END;

DROP TRIGGER history_no_update;
CREATE TRIGGER history_no_update BEFORE UPDATE ON history
WHEN NOT (OLD.hash IS NULL AND OLD.prev_hash IS NULL
    AND NEW.hash IS NOT NULL AND NEW.prev_hash IS NOT NULL
    AND NEW.id IS OLD.id AND NEW.report_id IS OLD.report_id AND NEW.at IS OLD.at
    AND NEW.actor IS OLD.actor AND NEW.actor_org IS OLD.actor_org
    AND NEW.actor_role IS OLD.actor_role AND NEW.action IS OLD.action
    AND NEW.from_status IS OLD.from_status AND NEW.to_status IS OLD.to_status
    AND NEW.comment IS OLD.comment AND NEW.before_json IS OLD.before_json
    AND NEW.after_json IS OLD.after_json AND NEW.prices_json IS OLD.prices_json)
BEGIN
    SELECT RAISE(ABORT, 'history is append-only');
END;
