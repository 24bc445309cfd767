-- The decision journal (the console's message trace), version 1, in the policy store's database
-- with a schema history of its own (journal_schema_history), so its versions never interleave with
-- the store's. Plain SQL that PostgreSQL 15 and H2 (MODE=PostgreSQL) both accept. Times are epoch
-- milliseconds; ids are made by each writer from the time, 12 random bits of its own and a counter
-- (several MX hosts share one PostgreSQL). The indexes serve the trace's searches: time range, session id, queue id, sender
-- (address and domain), client address, HELO, code, check; recipients and their domains (the
-- tenant filter) in the child table.
CREATE TABLE decision_journal (
    id BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    door VARCHAR(16) NOT NULL,
    action VARCHAR(24) NOT NULL,
    outcome VARCHAR(16) NOT NULL,
    stage VARCHAR(24) NOT NULL,
    client_ip VARCHAR(45) NOT NULL,
    client_name VARCHAR(255) NOT NULL,
    helo VARCHAR(512) NOT NULL,
    sender VARCHAR(512) NOT NULL,
    sender_key VARCHAR(512) NOT NULL,
    sender_domain VARCHAR(253) NOT NULL,
    recipients VARCHAR(4000) NOT NULL,
    code VARCHAR(32) NOT NULL,
    check_name VARCHAR(64) NOT NULL,
    reply VARCHAR(4000) NOT NULL,
    session_id VARCHAR(32) NOT NULL,
    queue_id VARCHAR(64) NOT NULL,
    findings VARCHAR(8000) NOT NULL
);
CREATE INDEX decision_journal_at ON decision_journal (at);
CREATE INDEX decision_journal_session ON decision_journal (session_id);
CREATE INDEX decision_journal_queue ON decision_journal (queue_id);
CREATE INDEX decision_journal_sender ON decision_journal (sender_key, at);
CREATE INDEX decision_journal_sender_domain ON decision_journal (sender_domain, at);
CREATE INDEX decision_journal_client ON decision_journal (client_ip, at);
CREATE INDEX decision_journal_helo ON decision_journal (helo);
CREATE INDEX decision_journal_code ON decision_journal (code, at);

CREATE TABLE decision_rcpt (
    journal_id BIGINT NOT NULL REFERENCES decision_journal (id) ON DELETE CASCADE,
    address VARCHAR(512) NOT NULL,
    domain VARCHAR(253) NOT NULL
);
CREATE INDEX decision_rcpt_journal ON decision_rcpt (journal_id);
CREATE INDEX decision_rcpt_address ON decision_rcpt (address);
CREATE INDEX decision_rcpt_domain ON decision_rcpt (domain, journal_id);
