// GET /v1/devices/self/consents: a TV signed with its device credential lists the consents it
// gave (from the ledger, so a TV that cleared its local data still finds them), and the status of
// a pending request names its decision deadline, which a waiting event stream wakes at.
import { afterEach, describe, expect, it } from 'vitest'
import { PATHS } from '../../src/core/protocol'
import { FakeClock, claim, createPairing, decide, decisionBody, openSse, pendingPairing, request, requestScopes, signed, startServer, type Created, type TestServer } from './helpers'

const OTHER_TV = { deviceId: 'tv-0002', secret: 'another-secret-of-tv-0002' }

let s: TestServer
afterEach(async () => {
  await s?.close()
})

async function listConsents(server: TestServer, as: { deviceId?: string; secret?: string } = {}) {
  return request(server, 'GET', PATHS.deviceConsents, { headers: await signed(server, 'GET', PATHS.deviceConsents, '', as) })
}

async function granted(server: TestServer, decisions: Record<string, string>, phone = 'Alice’s phone'): Promise<{ created: Created; receipt: string }> {
  const created = await createPairing(server)
  const c = await claim(server, created, phone)
  expect((await requestScopes(server, created, c.phone_token, Object.keys(decisions))).status).toBe(202)
  const d = await decide(server, created, `k-${created.pairing_id}`, decisionBody(decisions))
  expect(d.status).toBe(201)
  return { created, receipt: d.json.receipt_id }
}

async function withdraw(server: TestServer, created: Created, scopes: string[]) {
  const body = JSON.stringify({ scopes, screen_id: 'tv-privacy-settings', app_version: '0.1.0', device_time: '2030-01-01T00:10:00Z' })
  const path = PATHS.withdrawal(created.pairing_id)
  return request(server, 'POST', path, { raw: body, headers: { ...(await signed(server, 'POST', path, body)), 'idempotency-key': `w-${scopes.join('-')}` } })
}

describe('GET /v1/devices/self/consents', () => {
  it("lists this TV's consents newest first, what is still granted and what was withdrawn; a refusal is not a consent", async () => {
    s = await startServer({ config: { deviceCredentials: new Map([['tv-0001', 'oem-provisioned-secret-0001'], [OTHER_TV.deviceId, OTHER_TV.secret]]) } })
    expect((await listConsents(s)).json).toEqual({ consents: [], server_time: new Date(s.clock.now()).toISOString() })

    const first = await granted(s, { bluetooth: 'granted', network: 'denied' }, 'Pixel 8')
    s.clock.advance(1000)
    await granted(s, { location: 'denied' })
    s.clock.advance(1000)
    const third = await granted(s, { network: 'granted', location: 'granted' })
    expect((await withdraw(s, third.created, ['location'])).status).toBe(201)

    const r = await listConsents(s)
    expect(r.status).toBe(200)
    expect(r.json.consents).toEqual([
      {
        pairing_id: third.created.pairing_id,
        receipt_id: third.receipt,
        phone_name: 'Alice’s phone',
        decisions: { network: 'granted', location: 'granted' },
        active: ['network'],
        withdrawn: ['location'],
        policy_version: '2024-02-29',
        recorded_at: '2030-01-01T00:00:02.000Z',
      },
      {
        pairing_id: first.created.pairing_id,
        receipt_id: first.receipt,
        phone_name: 'Pixel 8',
        decisions: { bluetooth: 'granted', network: 'denied' },
        active: ['bluetooth'],
        withdrawn: [],
        policy_version: '2024-02-29',
        recorded_at: '2030-01-01T00:00:00.000Z',
      },
    ])

    // Another TV sees none of them.
    const other = await listConsents(s, OTHER_TV)
    expect(other.status).toBe(200)
    expect(other.json.consents).toEqual([])
  })

  it('refuses an unsigned request, a bare device id (also in dev mode) and a wrong signature, with stable codes', async () => {
    for (const dev of [false, true]) {
      s = await startServer({ config: { dev } })
      await granted(s, { bluetooth: 'granted' })
      const bare = await request(s, 'GET', PATHS.deviceConsents, { headers: { 'x-miitee-device': 'tv-0001' } })
      expect(bare.status).toBe(401)
      expect(bare.json).toMatchObject({ error: 'unauthorized' })
      const unsigned = await request(s, 'GET', PATHS.deviceConsents)
      expect(unsigned.status).toBe(401)
      const wrong = await listConsents(s, { secret: 'not-the-secret' })
      expect(wrong.status).toBe(401)
      expect(wrong.json.error).toBe('invalid_signature')
      await s.close()
    }
    s = undefined as unknown as TestServer
  })

  it('is in the OpenAPI document, signed with the device credential', async () => {
    s = await startServer()
    const doc = await request(s, 'GET', '/openapi.json')
    expect(doc.json.paths[PATHS.deviceConsents].get.security).toEqual([{ deviceSignature: [] }])
  })
})

describe('the decision deadline', () => {
  it('a pending request names its decision deadline (the state’s expires_at); a decided one does not', async () => {
    s = await startServer({ config: { decisionWindowS: 600 } })
    const { created, phoneToken } = await pendingPairing(s, ['bluetooth'])
    const pending = await request(s, 'GET', PATHS.pairing(created.pairing_id), { token: phoneToken })
    expect(pending.json.state).toBe('consent_pending')
    expect(pending.json.decision_deadline).toBe(new Date(s.clock.now() + 600_000).toISOString())
    expect(pending.json.decision_deadline).toBe(pending.json.expires_at)
    expect((await decide(s, created, 'k', decisionBody({ bluetooth: 'denied' }))).status).toBe(201)
    s.clock.advance(5000)
    const decided = await request(s, 'GET', PATHS.pairing(created.pairing_id), { token: phoneToken })
    expect(decided.json.state).toBe('denied')
    expect(decided.json.decision_deadline).toBeUndefined()
  })

  it('an event stream on a pending request hears of its expiry at the deadline, not at the next heartbeat', async () => {
    // The real clock (the deadline is a timer), also for the device signatures.
    const realClock = Object.assign(new FakeClock(), { now: () => Date.now() })
    s = await startServer({ clock: realClock, config: { decisionWindowS: 1, heartbeatMs: 60_000 } })
    const { created, phoneToken } = await pendingPairing(s, ['network'])
    const phone = await openSse(`${s.url}${PATHS.events(created.pairing_id)}`, phoneToken)
    const tv = await openSse(`${s.url}${PATHS.events(created.pairing_id)}`, created.tv_token)
    try {
      const first = JSON.parse((await phone.next()).data!).status
      expect(first.state).toBe('consent_pending')
      const deadline = Date.parse(first.decision_deadline)
      for (const stream of [phone, tv]) {
        let ev = await stream.next(3000)
        while (ev.event !== 'expired') ev = await stream.next(3000)
        const status = JSON.parse(ev.data!).status
        expect(status.state).toBe('expired')
        expect(status.decision_deadline).toBeUndefined()
        expect(Date.parse(status.server_time) - deadline).toBeGreaterThanOrEqual(0)
        expect(Date.parse(status.server_time) - deadline).toBeLessThan(1000)
      }
      expect(phone.comments).toBe(0)
      const late = await decide(s, created, 'late', decisionBody({ network: 'granted' }))
      expect(late.status).toBe(410)
      expect(late.json.error).toBe('decision_window_closed')
    } finally {
      phone.close()
      tv.close()
    }
  })
})
