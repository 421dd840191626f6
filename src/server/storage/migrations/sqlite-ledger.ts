// Schema migrations of the SQLite ledger, applied in order when the service opens it; the
// version is SQLite's `user_version`. A migration is never edited once released: a change is a
// new entry with the next version. Version 1 is the schema the ledger had before versions were
// kept, so a file made then is adopted as it is.
import type Database from 'better-sqlite3'
import { duplicatesSql, type Duplicate } from '../ledger-verify'

export interface SqliteMigration {
  version: number
  name: string
  apply(db: Database.Database): void
}

/** A row's decision_id, as the unique index and `verify` read it. */
export const SQLITE_DECISION_ID = "json_extract(body, '$.decision_id')"

/** A row's TV (the consent's subject), as the subject index and `subjectConsents` read it. */
export const SQLITE_SUBJECT = "json_extract(body, '$.subject.device_id_hash')"

export const SQLITE_LEDGER_MIGRATIONS: SqliteMigration[] = [
  {
    version: 1,
    name: 'ledger',
    apply(db) {
      db.exec(`
        CREATE TABLE IF NOT EXISTS ledger (
          seq INTEGER PRIMARY KEY,
          receipt_id TEXT NOT NULL UNIQUE,
          pairing_id TEXT NOT NULL,
          kind TEXT NOT NULL,
          body TEXT NOT NULL,
          prev_hash TEXT NOT NULL,
          hash TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ledger_pairing ON ledger (pairing_id, seq);
        CREATE TRIGGER IF NOT EXISTS ledger_no_update BEFORE UPDATE ON ledger
          BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS ledger_no_delete BEFORE DELETE ON ledger
          BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
      `)
    },
  },
  {
    version: 2,
    name: 'one consent per pairing, one record per request, ledger key check',
    apply(db) {
      // Duplicates written before this version stay (the ledger is append-only) and are left out
      // of the indexes by seq; `verify` keeps reporting them. Every later record is covered.
      let dups: Duplicate[]
      try {
        dups = db.prepare(duplicatesSql(SQLITE_DECISION_ID)).all() as Duplicate[]
      } catch (e) {
        throw new Error(`a record body is not valid JSON (${(e as Error).message}): run \`npm run ledger -- verify\` to find it`)
      }
      const except = (code: Duplicate['code']) => {
        const seqs = dups.filter((d) => d.code === code).map((d) => Number(d.seq))
        return seqs.length ? ` AND seq NOT IN (${seqs.join(', ')})` : ''
      }
      db.exec(`
        CREATE UNIQUE INDEX ledger_one_consent ON ledger (pairing_id) WHERE kind = 'consent'${except('duplicate_consent')};
        CREATE UNIQUE INDEX ledger_one_record_per_request ON ledger (pairing_id, kind, ${SQLITE_DECISION_ID}) WHERE seq > 0${except('duplicate_request')};
        CREATE TABLE ledger_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TRIGGER ledger_meta_no_update BEFORE UPDATE ON ledger_meta
          BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
        CREATE TRIGGER ledger_meta_no_delete BEFORE DELETE ON ledger_meta
          BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
      `)
    },
  },
  {
    version: 3,
    name: "a TV's consents by subject",
    apply(db) {
      db.exec(`CREATE INDEX ledger_subject ON ledger (${SQLITE_SUBJECT}, seq) WHERE kind = 'consent';`)
    },
  },
]

/** Applies the pending migrations in one transaction; a file from a newer service is refused. */
export function migrateSqliteLedger(db: Database.Database, file: string, migrations = SQLITE_LEDGER_MIGRATIONS): void {
  const latest = Math.max(...migrations.map((m) => m.version))
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number
    if (current > latest) throw new Error(`${file} has ledger schema version ${current}, newer than this service knows (${latest}): upgrade the service`)
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (m.version <= current) continue
      try {
        m.apply(db)
      } catch (e) {
        throw new Error(`${file}: ledger migration ${m.version} (${m.name}) failed: ${(e as Error).message}`)
      }
      db.pragma(`user_version = ${m.version}`)
    }
  }).immediate()
}
