-- TEST ONLY (never shipped): a stand-in for "the next schema version" so that the upgrade tests
-- exercise a real N -> N+1 step while the project has a single migration. It changes the schema the
-- way a later version plausibly would (a new column with a default, a new table, a new index), which
-- the current code must tolerate: during a rolling upgrade, hosts still on version N run against it.
ALTER TABLE list_entry ADD COLUMN hit_count BIGINT DEFAULT 0 NOT NULL;
CREATE INDEX list_entry_kind_value ON list_entry (kind, entry_value);
CREATE TABLE test_next_marker (id INTEGER PRIMARY KEY, note VARCHAR(100) NOT NULL);
INSERT INTO test_next_marker (id, note) VALUES (1, 'applied by V1000');
