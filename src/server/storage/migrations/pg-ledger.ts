// Schema migrations of the PostgreSQL ledger, applied in order at start (see pg-ledger.ts) or
// by `npm run ledger -- migrate` as the tables' owner. A migration is never edited once
// released: a change is a new entry with the next version.

export interface Migration {
  version: number
  name: string
  sql: string
}

/** A row's decision_id, as the unique index and \`verify\` read it. */
export const PG_DECISION_ID = "(body::jsonb ->> 'decision_id')"

/** A row's TV (the consent's subject), as the subject index and `subjectConsents` read it. */
export const PG_SUBJECT = "((body::jsonb -> 'subject') ->> 'device_id_hash')"

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
  {
    version: 2,
    name: 'one consent per pairing, one record per request, checkpoints, ledger key check',
    sql: `
      -- Duplicates written before this version stay (the ledger is append-only) and are left out
      -- of the indexes by seq; \`verify\` keeps reporting them. Every later record is covered.
      DO $do$
      DECLARE
        consents text;
        requests text;
      BEGIN
        SELECT string_agg(seq::text, ', ') INTO consents FROM (
          SELECT seq, min(seq) OVER (PARTITION BY pairing_id) AS first_seq FROM ledger WHERE kind = 'consent') d WHERE seq > first_seq;
        SELECT string_agg(seq::text, ', ') INTO requests FROM (
          SELECT seq, min(seq) OVER (PARTITION BY pairing_id, kind, ${PG_DECISION_ID}) AS first_seq FROM ledger) d WHERE seq > first_seq;
        EXECUTE 'CREATE UNIQUE INDEX ledger_one_consent ON ledger (pairing_id) WHERE kind = ''consent'''
          || coalesce(' AND seq NOT IN (' || consents || ')', '');
        EXECUTE 'CREATE UNIQUE INDEX ledger_one_record_per_request ON ledger (pairing_id, kind, (${PG_DECISION_ID.replace(/'/g, "''")}))'
          || coalesce(' WHERE seq NOT IN (' || requests || ')', '');
      END
      $do$;

      -- Signed checkpoints (record count and head hash, HMAC under the ledger key). Give the
      -- service's role INSERT and SELECT only (\`npm run ledger -- migrate --grant-to ROLE\`).
      CREATE TABLE ledger_checkpoints (
        record_count bigint PRIMARY KEY CHECK (record_count > 0),
        head_hash    text   NOT NULL,
        at           text   NOT NULL,
        mac          text   NOT NULL
      );
      CREATE TRIGGER ledger_checkpoints_no_update BEFORE UPDATE OR DELETE ON ledger_checkpoints
        FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
      CREATE TRIGGER ledger_checkpoints_no_truncate BEFORE TRUNCATE ON ledger_checkpoints
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

      CREATE TABLE ledger_meta (
        name  text PRIMARY KEY,
        value text NOT NULL
      );
      CREATE TRIGGER ledger_meta_no_update BEFORE UPDATE OR DELETE ON ledger_meta
        FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
    `,
  },
  {
    version: 3,
    name: "a TV's consents by subject",
    sql: `CREATE INDEX ledger_subject ON ledger (${PG_SUBJECT}, seq) WHERE kind = 'consent';`,
  },
]
