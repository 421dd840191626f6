// A form is what any web page can post cross-site without a preflight: only the OAuth
// endpoints (RFC 6749 §3.2, RFC 8628 §3.1) take one; every JSON route refuses it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEVICE_ID, DEVICE_SECRET, createPairing, pendingPairing, qrToken, request, startServer, type TestServer } from './helpers'

let s: TestServer
beforeAll(async () => {
  s = await startServer()
})
afterAll(async () => {
  await s.close()
})

describe('form-encoded bodies', () => {
  it('POST /v1/claims as a cross-site form is refused before it reaches the pairing (415), and the pairing stays claimable', async () => {
    const created = await createPairing(s)
    const r = await request(s, 'POST', '/v1/claims', { form: { qr_token: qrToken(created), phone_name: 'Mallory' } })
    expect(r.status).toBe(415)
    expect(r.json).toMatchObject({ error: 'unsupported_media_type' })
    expect(r.json.message).toMatch(/application\/json/)
    const ok = await request(s, 'POST', '/v1/claims', { body: { qr_token: qrToken(created), phone_name: 'Alice' } })
    expect(ok.status).toBe(201)
  })

  it('every other JSON route refuses a form too', async () => {
    const { created, phoneToken } = await pendingPairing(s)
    const id = created.pairing_id
    const cases: [string, string | undefined][] = [
      ['/v1/pairings', undefined],
      [`/v1/pairings/${id}/provisioning-request`, phoneToken],
      [`/v1/pairings/${id}/decision`, created.tv_token],
      [`/v1/pairings/${id}/withdrawal`, created.tv_token],
    ]
    for (const [path, token] of cases) {
      const r = await request(s, 'POST', path, { form: { device_name: 'x', scopes: 'bluetooth' }, token, headers: { 'idempotency-key': 'k-1' } })
      expect({ path, status: r.status, error: r.json?.error }).toEqual({ path, status: 415, error: 'unsupported_media_type' })
    }
  })

  it('the OAuth endpoints still take their form bodies', async () => {
    const auth = await request(s, 'POST', '/oauth/device_authorization', { form: { client_id: DEVICE_ID, client_secret: DEVICE_SECRET } })
    expect(auth.status).toBe(200)
    const token = await request(s, 'POST', '/oauth/token', { form: { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: auth.json.device_code, client_id: DEVICE_ID } })
    expect(token.status).toBe(400)
    expect(token.json.error).toBe('authorization_pending')
  })
})
