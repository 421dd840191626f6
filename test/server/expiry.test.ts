// Lifetimes with an injected clock: a pairing expires after 300 s unclaimed, a claimed one
// when the phone never asks, and the events stream tells the waiting side.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { claim, createPairing, openSse, qrToken, request, startServer, type TestServer } from './helpers'

let s: TestServer
beforeEach(async () => {
  s = await startServer()
})
afterEach(async () => {
  await s.close()
})

describe('expiry', () => {
  it('expires an unclaimed pairing after expires_in', async () => {
    const created = await createPairing(s)
    s.clock.advance(295_000)
    let st = await request(s, 'GET', `/v1/pairings/${created.pairing_id}`, { token: created.tv_token })
    expect(st.json.state).toBe('created')
    expect(Date.parse(st.json.expires_at) - Date.parse(st.json.server_time)).toBe(5000)
    s.clock.advance(5_000)
    st = await request(s, 'GET', `/v1/pairings/${created.pairing_id}`, { token: created.tv_token })
    expect(st.json.state).toBe('expired')
    const byQr = await request(s, 'POST', '/v1/claims', { body: { qr_token: qrToken(created), phone_name: 'p' } })
    expect(byQr.status).toBe(410)
    expect(byQr.json.error).toBe('expired')
    const byCode = await request(s, 'POST', '/v1/claims', { body: { user_code: created.user_code, phone_name: 'p' } })
    expect(byCode.status).toBe(410)
  })

  it('expires a claimed pairing whose phone never asks, and tells the SSE listener', async () => {
    const created = await createPairing(s)
    const c = await claim(s, created)
    const tv = await openSse(`${s.url}/v1/pairings/${created.pairing_id}/events`, created.tv_token)
    expect(JSON.parse((await tv.next()).data!).status.state).toBe('claimed')
    s.clock.advance(600_000)
    // the next heartbeat checks the deadline
    const ev = await tv.next(2000)
    expect(ev.event).toBe('expired')
    expect(JSON.parse(ev.data!).status.state).toBe('expired')
    expect(tv.comments).toBeGreaterThan(0)
    const pr = await request(s, 'POST', `/v1/pairings/${created.pairing_id}/provisioning-request`, { token: c.phone_token, body: { scopes: ['bluetooth'] } })
    expect(pr.status).toBe(410)
    expect(pr.json.error).toBe('expired')
    tv.close()
  })

  it('forgets a finished pairing after the retention time', async () => {
    const created = await createPairing(s)
    s.clock.advance(300_000 + 86_400_000 + 1)
    const st = await request(s, 'GET', `/v1/pairings/${created.pairing_id}`, { token: created.tv_token })
    expect(st.status).toBe(401)
  })
})
