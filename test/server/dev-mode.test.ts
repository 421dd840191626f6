// Dev mode (npm start's default) opens device registration and nothing else: a decision or a
// withdrawal without a token needs a real device signature there too, and the start-up warning
// says exactly that.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEV_MODE_WARNING } from '../../src/server/startBanner'
import { DEVICE_ID, decide, decisionBody, pendingPairing, request, signed, startServer, type TestServer } from './helpers'

let s: TestServer
beforeAll(async () => {
  s = await startServer({ config: { dev: true } })
})
afterAll(async () => {
  await s.close()
})

const withdrawalBody = { screen_id: 'privacy', app_version: '0.1.0', device_time: '2030-01-01T00:00:09.000Z' }

describe('dev mode', () => {
  it('opens registration: an unsigned TV creates a pairing', async () => {
    const r = await request(s, 'POST', '/v1/pairings', { body: { device_name: 'Dev TV' }, headers: { 'x-miitee-device': 'dev-tv-1' } })
    expect(r.status).toBe(201)
    const oauth = await request(s, 'POST', '/oauth/device_authorization', { form: { client_id: 'dev-tv-2' } })
    expect(oauth.status).toBe(200)
  })

  it('refuses an unsigned decision that names the pairing’s TV (no token): 401, nothing recorded', async () => {
    const { created } = await pendingPairing(s)
    const r = await request(s, 'POST', `/v1/pairings/${created.pairing_id}/decision`, {
      body: decisionBody({ bluetooth: 'granted', network: 'granted' }),
      headers: { 'idempotency-key': 'forged-1', 'x-miitee-device': DEVICE_ID },
    })
    expect(r.status).toBe(401)
    expect(r.json.error).toBe('unauthorized')
    expect(await s.app.ledger.byPairing(created.pairing_id)).toEqual([])
    const status = await request(s, 'GET', `/v1/pairings/${created.pairing_id}`, { token: created.tv_token })
    expect(status.json.state).toBe('consent_pending')
  })

  it('refuses an unsigned withdrawal that names the TV, and takes the same withdrawal signed with the device credential', async () => {
    const { created } = await pendingPairing(s)
    expect((await decide(s, created, 'k-dev', decisionBody({ bluetooth: 'granted', network: 'denied' }))).status).toBe(201)
    const path = `/v1/pairings/${created.pairing_id}/withdrawal`
    const forged = await request(s, 'POST', path, { body: withdrawalBody, headers: { 'idempotency-key': 'w-forged', 'x-miitee-device': DEVICE_ID } })
    expect(forged.status).toBe(401)
    expect(forged.json.error).toBe('unauthorized')
    const bare = await request(s, 'POST', path, { body: withdrawalBody, headers: { 'idempotency-key': 'w-bare' } })
    expect(bare.status).toBe(401)
    expect((await s.app.ledger.byPairing(created.pairing_id)).map((r) => r.kind)).toEqual(['consent'])
    const raw = JSON.stringify(withdrawalBody)
    const ok = await request(s, 'POST', path, { raw, headers: { 'idempotency-key': 'w-signed', ...(await signed(s, 'POST', path, raw)) } })
    expect(ok.status).toBe(201)
  })

  it('checks signatures as outside dev mode', async () => {
    const raw = JSON.stringify({ device_name: 'Dev TV' })
    const bad = { ...(await signed(s, 'POST', '/v1/pairings', raw)), 'x-miitee-signature': '0'.repeat(64) }
    expect((await request(s, 'POST', '/v1/pairings', { raw, headers: bad })).json.error).toBe('invalid_signature')
  })

  it('the start-up warning says what dev mode opens and what it does not', () => {
    expect(DEV_MODE_WARNING).toMatch(/^DEV MODE: device registration is OPEN/)
    expect(DEV_MODE_WARNING).toMatch(/decisions and withdrawals still need the pairing’s TV token or a signed device credential/)
    expect(DEV_MODE_WARNING).toMatch(/set DEV=0/)
  })
})
