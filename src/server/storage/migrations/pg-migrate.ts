// Applying the PostgreSQL ledger's migrations (recorded in `schema_migrations`, under an
// advisory lock so processes starting together agree), and the grants that leave the service's
// role able to read and append, nothing else.
import type pg from 'pg'
import { PG_LEDGER_MIGRATIONS, type Migration } from './pg-ledger'

/** Advisory lock key of migrations (distinct from the append lock of pg-ledger.ts). */
const MIGRATE_LOCK = '7261746531303032'

/** Tables of the ledger and what the service's role may do with each. */
const SERVICE_GRANTS: [table: string, privileges: string][] = [
  ['ledger', 'SELECT, INSERT'],
  ['ledger_checkpoints', 'SELECT, INSERT'],
  ['ledger_meta', 'SELECT, INSERT'],
  ['schema_migrations', 'SELECT'],
]

/** Applies pending migrations in one transaction; a database from a newer service is refused. */
export async function migrate(client: pg.PoolClient | pg.Client, migrations: Migration[] = PG_LEDGER_MIGRATIONS): Promise<void> {
  await client.query('BEGIN')
  try {
    await client.query(`SELECT pg_advisory_xact_lock(${MIGRATE_LOCK})`)
    // Created only when missing: a service role that may not change the schema still opens an up-to-date ledger.
    const has = await client.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t")
    if (!has.rows[0]?.t)
      await client.query(
        `CREATE TABLE schema_migrations (
           version    integer PRIMARY KEY,
           name       text NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now()
         )`,
      )
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version))
    const known = new Set(migrations.map((m) => m.version))
    const unknown = [...done].filter((v) => !known.has(v))
    if (unknown.length) throw new Error(`the database has ledger schema version(s) ${unknown.join(', ')}, newer than this service knows: upgrade the service`)
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue
      try {
        await client.query(m.sql)
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name])
      } catch (e) {
        const denied = (e as { code?: string }).code === '42501' || (e as { code?: string }).code === '42P01'
        throw new Error(
          `ledger migration ${m.version} (${m.name}) failed: ${(e as Error).message}` +
            (denied ? '; if this role may not change the schema, run `npm run ledger -- migrate` as the owner of the ledger tables' : ''),
        )
      }
    }
    await client.query('COMMIT')
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw e
  }
}

/** A database without a ledger (or with only part of one) is an error. */
export async function checkExisting(client: pg.PoolClient | pg.Client): Promise<void> {
  const r = await client.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t")
  if (!r.rows[0]?.t) throw new Error('no ledger in this database (no schema_migrations table)')
  const v = await client.query<{ n: string }>('SELECT count(*) AS n FROM schema_migrations WHERE version = 1')
  if (Number(v.rows[0].n) === 0) throw new Error('no ledger in this database (migration 1 not applied)')
}

/** Leaves `role` exactly SELECT and INSERT on the ledger tables (and SELECT on the migrations): it can append, never change or remove. */
export async function grantServiceRole(client: pg.PoolClient | pg.Client, role: string): Promise<void> {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(role)) throw new Error(`not a role name: ${JSON.stringify(role)}`)
  const quoted = `"${role}"`
  const schema = (await client.query<{ s: string }>('SELECT current_schema() AS s')).rows[0].s
  await client.query('BEGIN')
  try {
    await client.query(`GRANT USAGE ON SCHEMA "${schema.replace(/"/g, '""')}" TO ${quoted}`)
    for (const [table, privileges] of SERVICE_GRANTS) {
      await client.query(`REVOKE ALL ON ${table} FROM ${quoted}`)
      await client.query(`GRANT ${privileges} ON ${table} TO ${quoted}`)
    }
    await client.query('COMMIT')
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw e
  }
}

/** Why the connected role could change or remove checkpoints (it owns them, or holds more than INSERT), or null. */
export async function checkpointPowers(client: pg.PoolClient | pg.Client): Promise<string | null> {
  const r = await client.query<{ owner: string; owns: boolean; change: boolean; me: string }>(
    `SELECT c.relowner::regrole::text AS owner, pg_has_role(current_user, c.relowner, 'USAGE') AS owns, current_user AS me,
            has_table_privilege(c.oid, 'UPDATE') OR has_table_privilege(c.oid, 'DELETE') OR has_table_privilege(c.oid, 'TRUNCATE') AS change
       FROM pg_class c WHERE c.oid = to_regclass('ledger_checkpoints')`,
  )
  const row = r.rows[0]
  if (!row) return null
  if (row.owns) return `the service's PostgreSQL role ${row.me} owns the ledger tables (owner ${row.owner}), so it could drop their triggers and rewrite checkpoints`
  if (row.change) return `the service's PostgreSQL role ${row.me} may update, delete or truncate ledger checkpoints`
  return null
}
