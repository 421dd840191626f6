// RFC 8628 over the pairing service: a device-flow client we did not write (openid-client)
// pairs a TV while the test acts as the phone; the token endpoint errors follow the RFC.
import * as client from 'openid-client'
import { afterEach, describe, expect, it } from 'vitest'
import { DEVICE_ID, DEVICE_SECRET, request, startServer, type TestServer } from './helpers'

let s: TestServer
afterEach(async () => {
  await s?.close()
})

const GRANT = 'urn:ietf:params:oauth:grant-type:device_code'

describe('OAuth 2.0 device authorization grant', () => {
  it('pairs with openid-client: discovery, device authorization, polling until the phone claims', async () => {
    s = await startServer({ realClock: true, config: { pollIntervalS: 1 } })
    const config = await client.discovery(new URL(`${s.url}/`), DEVICE_ID, undefined, client.ClientSecretPost(DEVICE_SECRET), {
      execute: [client.allowInsecureRequests],
      algorithm: 'oauth2',
    })
    const resp = await client.initiateDeviceAuthorization(config, {})
    expect(resp.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/)
    expect(resp.verification_uri).toBe(`${s.url}/link`)
    expect(resp.verification_uri_complete).toMatch(/^HTTP:\/\/127\.0\.0\.1:\d+\/P\/[0-9A-Z]{26}$/)
    expect(resp.expires_in).toBe(300)
    expect(resp.interval).toBe(1)

    // The phone types the user code a moment later.
    const phone = (async () => {
      await new Promise((r) => setTimeout(r, 1500))
      const c = await request(s, 'POST', '/v1/claims', { body: { user_code: resp.user_code.toLowerCase(), phone_name: 'Alice’s phone' } })
      expect(c.status).toBe(201)
      return c.json
    })()
    const tokens = await client.pollDeviceAuthorizationGrant(config, resp)
    const claimed = await phone
    expect(tokens.token_type).toBe('bearer')
    expect(typeof tokens.access_token).toBe('string')
    expect(tokens.expires_in).toBeGreaterThan(0)
    // The access token is the TV token of the pairing.
    const st = await request(s, 'GET', `/v1/pairings/${claimed.pairing_id}`, { token: tokens.access_token })
    expect(st.status).toBe(200)
    expect(st.json).toMatchObject({ state: 'claimed', phone: { name: 'Alice’s phone' }, tv: { name: DEVICE_ID } })
  })

  it('answers the RFC 8628 token errors', async () => {
    s = await startServer()
    const auth = { client_id: DEVICE_ID, client_secret: DEVICE_SECRET }
    const da = await request(s, 'POST', '/oauth/device_authorization', { form: { ...auth, device_name: 'Bedroom TV' } })
    expect(da.status).toBe(200)
    expect(da.headers['cache-control']).toBe('no-store')
    const device_code = da.json.device_code as string
    const poll = (extra: Record<string, string> = {}) => request(s, 'POST', '/oauth/token', { form: { grant_type: GRANT, device_code, client_id: DEVICE_ID, ...extra } })

    let r = await poll()
    expect(r.status).toBe(400)
    expect(r.json).toEqual({ error: 'authorization_pending', error_description: expect.any(String) })
    r = await poll()
    expect(r.status).toBe(400)
    expect(r.json.error).toBe('slow_down')
    expect(r.json.interval).toBe(10)
    s.clock.advance(10_000)
    expect((await poll()).json.error).toBe('authorization_pending')

    expect((await request(s, 'POST', '/oauth/token', { form: { grant_type: 'password', device_code } })).json.error).toBe('unsupported_grant_type')
    expect((await request(s, 'POST', '/oauth/token', { form: { grant_type: GRANT } })).json.error).toBe('invalid_request')
    expect((await request(s, 'POST', '/oauth/token', { form: { grant_type: GRANT, device_code: 'x'.repeat(43) } })).json.error).toBe('invalid_grant')
    expect((await request(s, 'POST', '/oauth/token', { form: { grant_type: GRANT, device_code, extra: '1' } })).json.error).toBe('invalid_request')
    expect((await request(s, 'POST', '/oauth/token', { raw: `grant_type=${GRANT}&grant_type=x`, contentType: 'application/x-www-form-urlencoded' })).json.error).toBe('invalid_request')
    const wrong = await request(s, 'POST', '/oauth/token', { form: { grant_type: GRANT, device_code, client_id: DEVICE_ID, client_secret: 'wrong-secret-wrong' } })
    expect(wrong.status).toBe(401)
    expect(wrong.json.error).toBe('invalid_client')

    // Claimed by QR: success once, then the code is spent.
    const qr = String(da.json.verification_uri_complete).split('/P/')[1]
    expect((await request(s, 'POST', '/v1/claims', { body: { qr_token: qr, phone_name: 'p' } })).status).toBe(201)
    s.clock.advance(10_000)
    r = await poll()
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String) })
    expect(r.headers['cache-control']).toBe('no-store')
    s.clock.advance(10_000)
    expect((await poll()).json.error).toBe('invalid_grant')

    // access_denied: the pairing was cancelled (QR token presented twice).
    const d2 = await request(s, 'POST', '/oauth/device_authorization', { form: auth })
    const qr2 = String(d2.json.verification_uri_complete).split('/P/')[1]
    await request(s, 'POST', '/v1/claims', { body: { qr_token: qr2, phone_name: 'p' } })
    await request(s, 'POST', '/v1/claims', { body: { qr_token: qr2, phone_name: 'p' } })
    r = await request(s, 'POST', '/oauth/token', { form: { grant_type: GRANT, device_code: d2.json.device_code } })
    expect(r.json.error).toBe('access_denied')

    // expired_token
    const d3 = await request(s, 'POST', '/oauth/device_authorization', { form: auth, headers: {} })
    s.clock.advance(301_000)
    r = await request(s, 'POST', '/oauth/token', { form: { grant_type: GRANT, device_code: d3.json.device_code } })
    expect(r.json.error).toBe('expired_token')
  })

  it('authenticates the device at the device authorization endpoint', async () => {
    s = await startServer()
    const basic = `Basic ${Buffer.from(`${DEVICE_ID}:${DEVICE_SECRET}`).toString('base64')}`
    expect((await request(s, 'POST', '/oauth/device_authorization', { form: {}, headers: { authorization: basic } })).status).toBe(200)
    const none = await request(s, 'POST', '/oauth/device_authorization', { form: { client_id: DEVICE_ID } })
    expect(none.status).toBe(401)
    expect(none.json.error).toBe('invalid_client')
    const bad = await request(s, 'POST', '/oauth/device_authorization', { form: { client_id: 'tv-9', client_secret: DEVICE_SECRET } })
    expect(bad.json.error).toBe('invalid_client')
    const unknownField = await request(s, 'POST', '/oauth/device_authorization', { form: { client_id: DEVICE_ID, client_secret: DEVICE_SECRET, foo: 'x' } })
    expect(unknownField.status).toBe(400)
    expect(unknownField.json.error).toBe('invalid_request')
    expect(unknownField.json.error_description).toBeTruthy()
    const json = await request(s, 'POST', '/oauth/device_authorization', { body: { client_id: DEVICE_ID } })
    expect(json.status).toBe(400)
    expect(json.json.error).toBe('invalid_request')
  })

  it('works with a public client in dev mode', async () => {
    s = await startServer({ realClock: true, config: { dev: true, pollIntervalS: 1 } })
    const config = await client.discovery(new URL(`${s.url}/`), 'dev-tv-42', undefined, client.None(), { execute: [client.allowInsecureRequests], algorithm: 'oauth2' })
    const resp = await client.initiateDeviceAuthorization(config, {})
    const qr = resp.verification_uri_complete!.split('/P/')[1]
    expect((await request(s, 'POST', '/v1/claims', { body: { qr_token: qr, phone_name: 'p' } })).status).toBe(201)
    const tokens = await client.pollDeviceAuthorizationGrant(config, resp)
    expect(tokens.access_token).toBeTruthy()
  })
})
