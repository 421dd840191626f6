// Schema migrations of the PostgreSQL ledger, applied in order at start (see pg-ledger.ts).
// A migration is never edited once released: a change is a new entry with the next version.

export interface Migration {
  version: number
  name: string
  sql: string
}

export const PG_LEDGER_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'ledger',
    sql: `
      CREATE TABLE ledger (
        seq        bigint PRIMARY KEY CHECK (seq > 0),
        receipt_id text   NOT NULL UNIQUE,
        pairing_id text   NOT NULL,
        kind       text   NOT NULL CHECK (kind IN ('consent', 'withdrawal')),
        -- canonical JSON of the record without its hash: the exact text that was hashed
        body       text   NOT NULL,
        -- one record per predecessor: the chain cannot fork, whoever writes
        prev_hash  text   NOT NULL UNIQUE,
        hash       text   NOT NULL
      );
      CREATE INDEX ledger_pairing ON ledger (pairing_id, seq);

      CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the ledger is append-only';
      END
      $$;
      CREATE TRIGGER ledger_no_update BEFORE UPDATE OR DELETE ON ledger
        FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
      CREATE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON ledger
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
    `,
  },
]
