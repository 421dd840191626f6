// Decisions with Idempotency-Key (draft-ietf-httpapi-idempotency-key-header): missing → 400,
// other payload → 422, in flight → 409, repeat → stored response, after the window → 410.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { LedgerEntry, LedgerRecord, LedgerStore } from '../../src/server/storage/ledger'
import { SqliteLedgerStore } from '../../src/server/storage/sqlite-ledger'
import { DEVICE_ID, DEVICE_SECRET, decide, decisionBody, pendingPairing, request, signed, startServer, type TestServer } from './helpers'

/** A ledger whose appends take `delayMs` (to hold a request in flight). */
class SlowLedger implements LedgerStore {
  appends = 0
  constructor(
    private readonly inner: LedgerStore,
    private readonly delayMs: number,
  ) {}
  async append(entry: LedgerEntry): Promise<LedgerRecord> {
    this.appends++
    await new Promise((r) => setTimeout(r, this.delayMs))
    return this.inner.append(entry)
  }
  byPairing(id: string) {
    return this.inner.byPairing(id)
  }
  subjectConsents(hash: string, limit: number) {
    return this.inner.subjectConsents(hash, limit)
  }
  records() {
    return this.inner.records()
  }
  verify() {
    return this.inner.verify()
  }
  close() {
    return this.inner.close()
  }
}

let s: TestServer
const cleanup: (() => Promise<void> | void)[] = []
afterEach(async () => {
  await s?.close()
  for (const c of cleanup.splice(0)) await c()
})

const body = decisionBody({ bluetooth: 'granted', network: 'denied' })

describe('decision idempotency', () => {
  it('requires the header', async () => {
    s = await startServer()
    const { created } = await pendingPairing(s)
    const r = await request(s, 'POST', `/v1/pairings/${created.pairing_id}/decision`, { token: created.tv_token, body })
    expect(r.status).toBe(400)
    expect(r.json.error).toBe('idempotency_key_missing')
    const bad = await decide(s, created, '"unterminated', body)
    expect(bad.status).toBe(400)
    expect(bad.json.error).toBe('idempotency_key_invalid')
  })

  it('replays the stored response for a repeat, and refuses the key with another payload', async () => {
    s = await startServer()
    const { created } = await pendingPairing(s)
    const first = await decide(s, created, 'key-1', body)
    expect(first.status).toBe(201)
    expect(first.headers['idempotent-replayed']).toBeUndefined()
    // quoted structured-field form of the same key
    const repeat = await decide(s, created, '"key-1"', { ...body, decisions: { network: 'denied', bluetooth: 'granted' } })
    expect(repeat.status).toBe(201)
    expect(repeat.headers['idempotent-replayed']).toBe('true')
    expect(repeat.json).toEqual(first.json)
    const other = await decide(s, created, 'key-1', decisionBody({ bluetooth: 'denied', network: 'denied' }))
    expect(other.status).toBe(422)
    expect(other.json.error).toBe('idempotency_key_reused')
    expect(await s.app.ledger.byPairing(created.pairing_id)).toHaveLength(1)
  })

  it('answers 409 while the same key is in flight, and records once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'miitee-led-'))
    const slow = new SlowLedger(new SqliteLedgerStore(join(dir, 'l.sqlite')), 300)
    cleanup.push(async () => {
      await slow.close()
      rmSync(dir, { recursive: true, force: true })
    })
    s = await startServer({ deps: { ledger: slow } })
    const { created } = await pendingPairing(s)
    const a = decide(s, created, 'same', body)
    await new Promise((r) => setTimeout(r, 50))
    const b = await decide(s, created, 'same', body)
    expect(b.status).toBe(409)
    expect(b.json.error).toBe('request_in_flight')
    // another key meanwhile is told a decision is being recorded
    const c = await decide(s, created, 'other', body)
    expect(c.status).toBe(409)
    expect(c.json.error).toBe('decision_in_progress')
    expect((await a).status).toBe(201)
    expect(slow.appends).toBe(1)
    const after = await decide(s, created, 'same', body)
    expect(after.status).toBe(201)
    expect(after.headers['idempotent-replayed']).toBe('true')
  })

  it('frees the key when the ledger fails, so the retry can succeed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'miitee-led-'))
    const inner = new SqliteLedgerStore(join(dir, 'l.sqlite'))
    let fail = true
    const flaky: LedgerStore = {
      append: (e) => (fail ? Promise.reject(new Error('disk full')) : inner.append(e)),
      byPairing: (id) => inner.byPairing(id),
      subjectConsents: (hash, limit) => inner.subjectConsents(hash, limit),
      records: () => inner.records(),
      verify: () => inner.verify(),
      close: () => inner.close(),
    }
    cleanup.push(async () => {
      await inner.close()
      rmSync(dir, { recursive: true, force: true })
    })
    s = await startServer({ deps: { ledger: flaky } })
    const { created } = await pendingPairing(s)
    const r = await decide(s, created, 'k', body)
    expect(r.status).toBe(500)
    expect(r.json.error).toBe('internal_error')
    expect(r.json.message).not.toContain('disk full')
    const st = await request(s, 'GET', `/v1/pairings/${created.pairing_id}`, { token: created.tv_token })
    expect(st.json.state).toBe('consent_pending')
    fail = false
    const retry = await decide(s, created, 'k', body)
    expect(retry.status).toBe(201)
    expect(retry.headers['idempotent-replayed']).toBeUndefined()
  })

  it('answers 410 after the decision window, but still replays a recorded decision', async () => {
    s = await startServer({ config: { decisionWindowS: 60 } })
    const late = await pendingPairing(s)
    const done = await pendingPairing(s)
    const ok = await decide(s, done.created, 'k', body)
    expect(ok.status).toBe(201)
    s.clock.advance(61_000)
    const r = await decide(s, late.created, 'k', body)
    expect(r.status).toBe(410)
    expect(r.json.error).toBe('decision_window_closed')
    const st = await request(s, 'GET', `/v1/pairings/${late.created.pairing_id}`, { token: late.created.tv_token })
    expect(st.json.state).toBe('expired')
    const replay = await decide(s, done.created, 'k', body)
    expect(replay.status).toBe(201)
    expect(replay.json).toEqual(ok.json)
    expect(replay.headers['idempotent-replayed']).toBe('true')
  })

  it('applies the same rules to withdrawals', async () => {
    s = await startServer()
    const { created } = await pendingPairing(s)
    expect((await decide(s, created, 'k', body)).status).toBe(201)
    const path = `/v1/pairings/${created.pairing_id}/withdrawal`
    const wb = { screen_id: 'privacy', app_version: '0.1.0', device_time: '2030-01-01T01:00:00Z' }
    expect((await request(s, 'POST', path, { token: created.tv_token, body: wb })).json.error).toBe('idempotency_key_missing')
    const w1 = await request(s, 'POST', path, { token: created.tv_token, body: wb, headers: { 'idempotency-key': 'w' } })
    expect(w1.status).toBe(201)
    const w2 = await request(s, 'POST', path, { token: created.tv_token, body: wb, headers: { 'idempotency-key': 'w' } })
    expect(w2.headers['idempotent-replayed']).toBe('true')
    expect(w2.json).toEqual(w1.json)
    const w3 = await request(s, 'POST', path, { token: created.tv_token, body: { ...wb, scopes: ['bluetooth'] }, headers: { 'idempotency-key': 'w' } })
    expect(w3.status).toBe(422)
    expect((await s.app.ledger.byPairing(created.pairing_id)).map((r) => r.kind)).toEqual(['consent', 'withdrawal'])
  })

  it('checks that the TV is the pairing\'s own before replaying: another device with the same key and body is refused', async () => {
    const other = { deviceId: 'tv-0002', secret: 'oem-provisioned-secret-0002' }
    s = await startServer({ config: { deviceCredentials: new Map([[DEVICE_ID, DEVICE_SECRET], [other.deviceId, other.secret]]) } })
    const { created } = await pendingPairing(s)
    const asDevice = async (path: string, payload: unknown, who: { deviceId: string; secret: string }) => {
      const raw = JSON.stringify(payload)
      return request(s, 'POST', path, { raw, headers: { ...(await signed(s, 'POST', path, raw, who)), 'idempotency-key': 'same-key' } })
    }
    const own = { deviceId: DEVICE_ID, secret: DEVICE_SECRET }
    const decisionPath = `/v1/pairings/${created.pairing_id}/decision`
    const mine = await asDevice(decisionPath, body, own)
    expect(mine.status).toBe(201)
    const theirs = await asDevice(decisionPath, body, other)
    expect([theirs.status, theirs.json.error]).toEqual([403, 'forbidden'])
    expect(theirs.text).not.toContain(mine.json.receipt_id)
    expect((await asDevice(decisionPath, body, own)).headers['idempotent-replayed']).toBe('true')

    const withdrawalPath = `/v1/pairings/${created.pairing_id}/withdrawal`
    const wb = { screen_id: 'privacy', app_version: '0.1.0', device_time: '2030-01-01T01:00:00Z' }
    const withdrawn = await asDevice(withdrawalPath, wb, own)
    expect(withdrawn.status).toBe(201)
    const replayed = await asDevice(withdrawalPath, wb, other)
    expect([replayed.status, replayed.json.error]).toEqual([403, 'forbidden'])
    expect(replayed.text).not.toContain(withdrawn.json.receipt_id)
  })
})
