-- Pricing changes in the history: the unit prices, margins and codes a distributor's action
-- changed, before and after, as JSON. Kept apart from before_json/after_json (partner-editable
-- values, shown to everyone who may see the report) because partners never receive prices.
-- Adding a column does not touch existing rows; the append-only triggers stay as they are.

ALTER TABLE history ADD COLUMN prices_json TEXT;
