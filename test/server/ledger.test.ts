// The ledger: append-only hash chain; `npm run ledger -- verify` names the first bad record,
// `export` writes receipts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { SqliteLedgerStore } from '../../src/server/storage/sqlite-ledger'
import { decide, decisionBody, ledgerCli, pendingPairing, request, startServer } from './helpers'

describe('consent ledger', () => {
  it('chains records, verifies, exports receipts and names an edited record', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'miitee-ledger-'))
    try {
      const s = await startServer({ dataDir })
      const receipts: string[] = []
      for (let i = 0; i < 3; i++) {
        const { created } = await pendingPairing(s, ['bluetooth', 'network'])
        const d = await decide(s, created, `k${i}`, decisionBody({ bluetooth: 'granted', network: i === 1 ? 'granted' : 'denied' }))
        expect(d.status).toBe(201)
        receipts.push(d.json.receipt_id)
        if (i === 2) {
          const w = await request(s, 'POST', `/v1/pairings/${created.pairing_id}/withdrawal`, {
            token: created.tv_token,
            headers: { 'idempotency-key': 'w' },
            body: { screen_id: 's', app_version: '1', device_time: '2030-01-01T00:00:00Z' },
          })
          receipts.push(w.json.receipt_id)
        }
      }
      await s.close()

      const ok = await ledgerCli(['verify', '--data-dir', dataDir])
      expect(ok.stdout).toContain('ledger OK: 4 record(s)')
      expect(ok.code).toBe(0)

      const out = join(dataDir, 'receipts.json')
      const ex = await ledgerCli(['export', '--out', out, '--data-dir', dataDir])
      expect(ex.code).toBe(0)
      const doc = JSON.parse(readFileSync(out, 'utf8'))
      expect(doc.ledger).toMatchObject({ records: 4, verified: true })
      expect(doc.receipts.map((r: { receipt_id: string }) => r.receipt_id)).toEqual(receipts)
      expect(doc.receipts[0]).toMatchObject({
        version: 'KI-CR-v1.1.0',
        event: 'consent',
        collection_method: 'tv-remote',
        notice: { policy_id: 'miitee-privacy-policy' },
        services: [
          { scope: 'bluetooth', status: 'granted', purposes: [{ consent_type: 'EXPLICIT' }] },
          { scope: 'network', status: 'denied' },
        ],
        chain: { seq: 1, prev_hash: '0'.repeat(64) },
      })
      expect(doc.receipts[3]).toMatchObject({ event: 'withdrawal', refers_to: receipts[2], services: [{ scope: 'bluetooth', status: 'withdrawn' }] })

      // The table refuses updates and deletes...
      const db = new Database(join(dataDir, 'ledger.sqlite'))
      expect(() => db.prepare("UPDATE ledger SET body = replace(body, 'denied', 'granted') WHERE seq = 1").run()).toThrow(/append-only/)
      expect(() => db.prepare('DELETE FROM ledger WHERE seq = 4').run()).toThrow(/append-only/)
      // ...but someone with the file can still edit it: verify notices.
      db.exec('DROP TRIGGER ledger_no_update')
      const changed = db.prepare(`UPDATE ledger SET body = replace(body, '"network":"denied"', '"network":"granted"') WHERE seq = 3`).run()
      expect(changed.changes).toBe(1)
      db.close()
      const bad = await ledgerCli(['verify', '--data-dir', dataDir])
      expect(bad.code).toBe(1)
      expect(bad.stdout).toContain('BROKEN at record #3')
      expect(bad.stdout).toContain(receipts[2])
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 60_000)

  it('detects a removed record and reports a missing ledger', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'miitee-ledger-'))
    try {
      const missing = await ledgerCli(['verify', '--data-dir', dataDir])
      expect(missing.code).toBe(1)
      expect(missing.stderr).toContain('no ledger')
      const store = new SqliteLedgerStore(join(dataDir, 'ledger.sqlite'))
      const entry = (i: number) => ({
        kind: 'consent' as const,
        receipt_id: `r${i}`,
        pairing_id: `p${i}`,
        decision_id: 'd',
        subject: { device_id_hash: 'h', device_name: 'tv' },
        requester: { phone_name: 'ph' },
        decisions: { bluetooth: 'granted' as const },
        refers_to: null,
        notice: { policy_id: 'p', policy_version: '1', locale: 'zh-CN', policy_sha256: 'a'.repeat(64) },
        collection_method: 'tv-remote' as const,
        screen_id: 's',
        app_version: '1',
        firmware_version: null,
        server_time: '2030-01-01T00:00:00.000Z',
        device_time: '2030-01-01T00:00:00.000Z',
      })
      // concurrent appends are grouped but stay chained in order
      const recs = await Promise.all([1, 2, 3, 4, 5].map((i) => store.append(entry(i))))
      expect(recs.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5])
      for (let i = 1; i < 5; i++) expect(recs[i].prev_hash).toBe(recs[i - 1].hash)
      expect((await store.verify()).ok).toBe(true)
      store.db.exec('DROP TRIGGER ledger_no_delete')
      store.db.prepare('DELETE FROM ledger WHERE seq = 2').run()
      const v = await store.verify()
      expect(v.ok).toBe(false)
      expect(v.first_bad).toMatchObject({ seq: 3, receipt_id: 'r3' })
      await store.close()
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 60_000)
})
