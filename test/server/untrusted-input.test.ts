// Untrusted text never reaches the ledger as given: names are normalised (NFC, no invisible
// format characters) or refused (controls, lone surrogates, nothing visible); device_time must
// be a real RFC 3339 instant; a decision's notice must cite a policy the service serves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isRfc3339DateTime, normalizeDisplayName } from '../../src/core/protocol'
import { NOTICE, claim, createPairing, decide, decisionBody, pendingPairing, qrToken, request, signed, startServer, type TestServer } from './helpers'

let s: TestServer
beforeAll(async () => {
  s = await startServer()
})
afterAll(async () => {
  await s.close()
})

const RLO = '\u202E'
const ZWSP = '\u200B'

async function claimAs(phoneName: string) {
  const created = await createPairing(s)
  // Raw JSON text, so a lone surrogate goes out as the escape it is.
  const raw = `{"qr_token":"${qrToken(created)}","phone_name":${JSON.stringify(phoneName).replace(/[\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`)}}`
  return { created, res: await request(s, 'POST', '/v1/claims', { raw }) }
}

describe('display names', () => {
  it('a phone name with a bidi override and zero-width characters is stored and shown without them, in NFC', async () => {
    const { created, res } = await claimAs(`Ali${ZWSP}ce${RLO}\u2066 s phone e\u0301`)
    expect(res.status).toBe(201)
    const st = await request(s, 'GET', `/v1/pairings/${created.pairing_id}`, { token: created.tv_token })
    expect(st.json.phone.name).toBe('Alice s phone é')
    const r = await request(s, 'POST', `/v1/pairings/${created.pairing_id}/provisioning-request`, { token: res.json.phone_token, body: { scopes: ['bluetooth'] } })
    expect(r.status).toBe(202)
    expect((await decide(s, created, 'k-name', decisionBody({ bluetooth: 'granted' }))).status).toBe(201)
    const [record] = await s.app.ledger.byPairing(created.pairing_id)
    expect(record.requester.phone_name).toBe('Alice s phone é')
  })

  it.each([
    ['a C1 control', 'Phone\u009b31m'],
    ['a lone surrogate', 'Phone \ud800'],
    ['nothing visible', `${ZWSP}${RLO}\u200D `],
  ])('a phone name with %s is refused with invalid_name at /phone_name, and the pairing stays claimable', async (_what, name) => {
    const { created, res } = await claimAs(name)
    expect(res.status).toBe(400)
    expect(res.json).toMatchObject({ error: 'invalid_name', field: '/phone_name' })
    expect(res.json.message.length).toBeGreaterThan(10)
    expect((await claim(s, created)).phone_token).toBeTruthy()
  })

  it('a TV name is normalised too (signed creation and the OAuth device_name)', async () => {
    const body = JSON.stringify({ device_name: `Living${RLO} room${ZWSP} TV` })
    const r = await request(s, 'POST', '/v1/pairings', { raw: body, headers: await signed(s, 'POST', '/v1/pairings', body) })
    expect(r.status).toBe(201)
    const c = await claim(s, r.json)
    expect(c.tv_name).toBe('Living room TV')
    const bad = JSON.stringify({ device_name: 'TV\u0085' })
    const refused = await request(s, 'POST', '/v1/pairings', { raw: bad, headers: await signed(s, 'POST', '/v1/pairings', bad) })
    expect(refused.json).toMatchObject({ error: 'invalid_name', field: '/device_name' })
  })
})

describe('device_time', () => {
  it.each(['2024-99-99T99:99:99Z', '2023-02-29T12:00:00Z', '2024-04-31T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T00:00:00+25:00'])(
    '%s is refused with invalid_time at /device_time; nothing is recorded',
    async (t) => {
      const { created } = await pendingPairing(s)
      const r = await decide(s, created, `k-${t}`, decisionBody({ bluetooth: 'granted', network: 'denied' }, { device_time: t }))
      expect(r.status).toBe(400)
      expect(r.json).toMatchObject({ error: 'invalid_time', field: '/device_time' })
      expect(await s.app.ledger.byPairing(created.pairing_id)).toEqual([])
    },
  )

  it('a real instant is taken, a leap second included; a withdrawal is checked the same way', async () => {
    const { created } = await pendingPairing(s)
    expect((await decide(s, created, 'k-leap', decisionBody({ bluetooth: 'granted', network: 'denied' }, { device_time: '2016-12-31T23:59:60Z' }))).status).toBe(201)
    const path = `/v1/pairings/${created.pairing_id}/withdrawal`
    const body = { screen_id: 'privacy', app_version: '0.1.0', device_time: '2030-13-01T00:00:00Z' }
    const bad = await request(s, 'POST', path, { token: created.tv_token, body, headers: { 'idempotency-key': 'w-bad' } })
    expect(bad.json).toMatchObject({ error: 'invalid_time', field: '/device_time' })
    const ok = await request(s, 'POST', path, { token: created.tv_token, body: { ...body, device_time: '2030-12-01T00:00:00+08:00' }, headers: { 'idempotency-key': 'w-ok' } })
    expect(ok.status).toBe(201)
  })
})

describe('the notice', () => {
  it('a policy hash the service does not serve is refused with unknown_policy at /notice/policy_sha256', async () => {
    const { created } = await pendingPairing(s)
    const r = await decide(s, created, 'k-pol', decisionBody({ bluetooth: 'granted', network: 'denied' }, { notice: { ...NOTICE, policy_sha256: 'b'.repeat(64) } }))
    expect(r.status).toBe(400)
    expect(r.json).toMatchObject({ error: 'unknown_policy', field: '/notice/policy_sha256' })
    expect(await s.app.ledger.byPairing(created.pairing_id)).toEqual([])
  })

  it('a served hash described with another version or locale is refused at that field', async () => {
    const { created } = await pendingPairing(s)
    const v = await decide(s, created, 'k-ver', decisionBody({ bluetooth: 'granted', network: 'denied' }, { notice: { ...NOTICE, policy_version: '2020-01-01' } }))
    expect(v.json).toMatchObject({ error: 'unknown_policy', field: '/notice/policy_version' })
    const l = await decide(s, created, 'k-loc', decisionBody({ bluetooth: 'granted', network: 'denied' }, { notice: { ...NOTICE, locale: 'en-US' } }))
    expect(l.json).toMatchObject({ error: 'unknown_policy', field: '/notice/locale' })
    expect((await decide(s, created, 'k-ok', decisionBody({ bluetooth: 'granted', network: 'denied' }))).status).toBe(201)
  })
})

describe('the core checks', () => {
  it('normalizeDisplayName', () => {
    expect(normalizeDisplayName('  Bob\u00AD’s\u3000\u00A0phone ')).toEqual({ ok: true, name: 'Bob’s phone' })
    expect(normalizeDisplayName('Bob\tphone').ok).toBe(false)
    expect(normalizeDisplayName('客厅\u200D电视')).toEqual({ ok: true, name: '客厅电视' })
    expect(normalizeDisplayName('📱 Pixel')).toEqual({ ok: true, name: '📱 Pixel' })
    expect(normalizeDisplayName('\udc00x').ok).toBe(false)
    expect(normalizeDisplayName('a\u0000').ok).toBe(false)
    expect(normalizeDisplayName('\u0958'.repeat(40))).toMatchObject({ ok: false, reason: expect.stringMatching(/longer than 64/) })
  })
  it('isRfc3339DateTime', () => {
    expect(isRfc3339DateTime('2024-02-29T12:00:00.123456Z')).toBe(true)
    expect(isRfc3339DateTime('2000-02-29T00:00:00-05:30')).toBe(true)
    expect(isRfc3339DateTime('1900-02-29T00:00:00Z')).toBe(false)
    expect(isRfc3339DateTime('2024-06-31T00:00:00Z')).toBe(false)
    expect(isRfc3339DateTime('2024-06-30 00:00:00Z')).toBe(false)
    expect(isRfc3339DateTime('2024-06-30T00:60:00Z')).toBe(false)
  })
})
