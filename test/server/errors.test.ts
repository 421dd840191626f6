// Every error path answers JSON `{ error, message, field? }` with a stable code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DEVICE_ID,
  claim,
  createPairing,
  decide,
  decisionBody,
  nonce,
  pendingPairing,
  qrToken,
  request,
  requestScopes,
  signed,
  startServer,
  type Res,
  type TestServer,
} from './helpers'

let s: TestServer
beforeAll(async () => {
  s = await startServer({ config: { deviceCredentials: new Map([[DEVICE_ID, 'oem-provisioned-secret-0001'], ['tv-0002', 'oem-provisioned-secret-0002']]) } })
})
afterAll(async () => {
  await s.close()
})

function expectError(r: Res, status: number, code: string, field?: string) {
  expect({ status: r.status, error: r.json?.error }).toEqual({ status, error: code })
  expect(typeof r.json.message).toBe('string')
  expect(r.json.message.length).toBeGreaterThan(5)
  expect(r.headers['content-type']).toMatch(/^application\/json/)
  if (field !== undefined) expect(r.json.field).toBe(field)
}

const body = JSON.stringify({ device_name: 'TV' })

describe('device credential', () => {
  it('refuses an unsigned registration outside dev mode', async () => {
    expectError(await request(s, 'POST', '/v1/pairings', { raw: body }), 401, 'unauthorized')
  })
  it('refuses a wrong signature, an unknown device, a stale timestamp and a replayed nonce', async () => {
    const h = await signed(s, 'POST', '/v1/pairings', body)
    expectError(await request(s, 'POST', '/v1/pairings', { raw: body, headers: { ...h, 'x-miitee-signature': '0'.repeat(64) } }), 401, 'invalid_signature')
    // body changed after signing
    expectError(await request(s, 'POST', '/v1/pairings', { raw: JSON.stringify({ device_name: 'TW' }), headers: await signed(s, 'POST', '/v1/pairings', body) }), 401, 'invalid_signature')
    // path changed after signing
    expectError(await request(s, 'POST', '/v1/pairings', { raw: body, headers: await signed(s, 'POST', '/v1/claims', body) }), 401, 'invalid_signature')
    expectError(await request(s, 'POST', '/v1/pairings', { raw: body, headers: await signed(s, 'POST', '/v1/pairings', body, { deviceId: 'tv-9999' }) }), 401, 'invalid_signature')
    const stale = Math.floor(s.clock.now() / 1000) - 301
    expectError(await request(s, 'POST', '/v1/pairings', { raw: body, headers: await signed(s, 'POST', '/v1/pairings', body, { timestamp: stale }) }), 401, 'stale_timestamp')
    const future = Math.floor(s.clock.now() / 1000) + 301
    expectError(await request(s, 'POST', '/v1/pairings', { raw: body, headers: await signed(s, 'POST', '/v1/pairings', body, { timestamp: future }) }), 401, 'stale_timestamp')
    const n = nonce()
    const once = await signed(s, 'POST', '/v1/pairings', body, { nonce: n })
    expect((await request(s, 'POST', '/v1/pairings', { raw: body, headers: once })).status).toBe(201)
    expectError(await request(s, 'POST', '/v1/pairings', { raw: body, headers: once }), 401, 'replayed_nonce')
    expectError(await request(s, 'POST', '/v1/pairings', { raw: body, headers: await signed(s, 'POST', '/v1/pairings', body, { nonce: 'short' }) }), 401, 'invalid_signature')
  })
  it('limits pairing creation per device (counted in the store)', async () => {
    const t = await startServer({
      config: { limits: { pairingsPerDevice: 2 }, deviceCredentials: new Map([[DEVICE_ID, 'oem-provisioned-secret-0001'], ['tv-0002', 'oem-provisioned-secret-0002']]) },
    })
    try {
      await createPairing(t)
      await createPairing(t)
      const r = await request(t, 'POST', '/v1/pairings', { raw: body, headers: await signed(t, 'POST', '/v1/pairings', body) })
      expectError(r, 429, 'rate_limited')
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0)
      // another device is not affected
      const other = await request(t, 'POST', '/v1/pairings', {
        raw: body,
        headers: await signed(t, 'POST', '/v1/pairings', body, { deviceId: 'tv-0002', secret: 'oem-provisioned-secret-0002' }),
      })
      expect(other.status).toBe(201)
    } finally {
      await t.close()
    }
  })
})

describe('bodies', () => {
  const h = { 'x-miitee-device': 'x' }
  it('refuses bad JSON, unknown fields, missing fields, wrong types, big bodies and other media types', async () => {
    const dev = await startServer({ config: { dev: true } })
    try {
      expectError(await request(dev, 'POST', '/v1/pairings', { raw: '{"device_name":', headers: h }), 400, 'invalid_json')
      expectError(await request(dev, 'POST', '/v1/pairings', { raw: '', headers: h }), 400, 'invalid_json')
      expectError(await request(dev, 'POST', '/v1/pairings', { body: { device_name: 'TV', extra: 1 }, headers: h }), 400, 'invalid_request', '/extra')
      expectError(await request(dev, 'POST', '/v1/pairings', { body: {}, headers: h }), 400, 'invalid_request', '/device_name')
      expectError(await request(dev, 'POST', '/v1/pairings', { body: { device_name: 5 }, headers: h }), 400, 'invalid_request', '/device_name')
      expectError(await request(dev, 'POST', '/v1/pairings', { raw: '{"device_name":"TV","__proto__":{"x":1}}', headers: h }), 400, 'invalid_json')
      expectError(await request(dev, 'POST', '/v1/pairings', { body: { device_name: 'x'.repeat(20000) }, headers: h }), 413, 'body_too_large')
      expectError(await request(dev, 'POST', '/v1/pairings', { raw: 'device_name=TV', contentType: 'text/plain', headers: h }), 415, 'unsupported_media_type')
      // dev mode accepts unsigned registration but still checks the device id
      expect((await request(dev, 'POST', '/v1/pairings', { body: { device_name: 'TV' } })).status).toBe(201)
      expectError(await request(dev, 'POST', '/v1/pairings', { body: { device_name: 'TV' }, headers: { 'x-miitee-device': 'bad id!' } }), 400, 'invalid_request')
    } finally {
      await dev.close()
    }
  })
  it('refuses unknown fields in nested objects of a decision', async () => {
    const { created } = await pendingPairing(s)
    expectError(await decide(s, created, 'k', decisionBody({ bluetooth: 'granted', network: 'denied' }, { notice: { policy_id: 'p', policy_version: '1', locale: 'zh-CN', policy_sha256: 'a'.repeat(64), x: 1 } })), 400, 'invalid_request', '/notice/x')
    expectError(await decide(s, created, 'k', decisionBody({ bluetooth: 'maybe', network: 'denied' })), 400, 'invalid_request')
    expectError(await decide(s, created, 'k', decisionBody({ bluetooth: 'granted', network: 'denied' }, { device_time: 'yesterday' })), 400, 'invalid_request', '/device_time')
    expectError(await decide(s, created, 'k', decisionBody({})), 400, 'invalid_request', '/decisions')
  })
})

describe('tokens and states', () => {
  it('needs the right token for the right pairing', async () => {
    const a = await createPairing(s)
    const b = await createPairing(s)
    expectError(await request(s, 'GET', `/v1/pairings/${a.pairing_id}`), 401, 'unauthorized')
    const wrong = await request(s, 'GET', `/v1/pairings/${a.pairing_id}`, { token: b.tv_token })
    expectError(wrong, 401, 'unauthorized')
    expect(wrong.headers['www-authenticate']).toBe('Bearer')
    expectError(await request(s, 'GET', `/v1/pairings/${a.pairing_id}/events`, { token: b.tv_token }), 401, 'unauthorized')
    expectError(await request(s, 'GET', `/v1/pairings/p_${'A'.repeat(22)}`, { token: a.tv_token }), 401, 'unauthorized')
    expectError(await request(s, 'GET', '/v1/pairings/not-an-id', { token: a.tv_token }), 400, 'invalid_request', '/pairing_id')
    // a TV token cannot act as the phone
    const c = await claim(s, a)
    expectError(await requestScopes(s, a, a.tv_token, ['bluetooth']), 401, 'unauthorized')
    // nor a phone token as the TV
    expectError(await request(s, 'POST', `/v1/pairings/${a.pairing_id}/decision`, { token: c.phone_token, body: decisionBody({ bluetooth: 'granted' }), headers: { 'idempotency-key': 'x' } }), 401, 'unauthorized')
    expectError(await request(s, 'GET', `/v1/pairings/${a.pairing_id}?wait=99`, { token: a.tv_token }), 400, 'invalid_request', '/wait')
    expectError(await request(s, 'GET', `/v1/pairings/${a.pairing_id}?foo=1`, { token: a.tv_token }), 400, 'invalid_request', '/foo')
  })

  it('refuses bad and unknown codes', async () => {
    expectError(await request(s, 'POST', '/v1/claims', { body: { user_code: 'AAAA-AAAA', phone_name: 'p' } }), 400, 'invalid_code', '/user_code')
    expectError(await request(s, 'POST', '/v1/claims', { body: { user_code: 'BBBB-BBBB', phone_name: 'p' } }), 404, 'invalid_code', '/user_code')
    expectError(await request(s, 'POST', '/v1/claims', { body: { qr_token: '0'.repeat(26), phone_name: 'p' } }), 404, 'invalid_code', '/qr_token')
    expectError(await request(s, 'POST', '/v1/claims', { body: { qr_token: 'U'.repeat(26), phone_name: 'p' } }), 404, 'invalid_code', '/qr_token')
    expectError(await request(s, 'POST', '/v1/claims', { body: { phone_name: 'p' } }), 400, 'invalid_request')
    const a = await createPairing(s)
    expectError(await request(s, 'POST', '/v1/claims', { body: { qr_token: qrToken(a), user_code: a.user_code, phone_name: 'p' } }), 400, 'invalid_request')
    expectError(await request(s, 'POST', '/v1/claims', { body: { qr_token: qrToken(a) } }), 400, 'invalid_request', '/phone_name')
  })

  it('revokes the pairing when its QR token is presented again', async () => {
    const a = await createPairing(s)
    await claim(s, a)
    const again = await request(s, 'POST', '/v1/claims', { body: { qr_token: qrToken(a), phone_name: 'Mallory' } })
    expectError(again, 409, 'qr_token_reused', '/qr_token')
    const st = await request(s, 'GET', `/v1/pairings/${a.pairing_id}`, { token: a.tv_token })
    expect(st.json.state).toBe('revoked')
    expectError(await request(s, 'POST', '/v1/claims', { body: { user_code: a.user_code, phone_name: 'p' } }), 410, 'pairing_revoked')
  })

  it('answers state conflicts', async () => {
    const a = await createPairing(s)
    const c = await claim(s, a)
    // decision before any provisioning request
    expectError(await decide(s, a, 'k0', decisionBody({ bluetooth: 'granted' })), 409, 'invalid_state')
    expect((await requestScopes(s, a, c.phone_token, ['bluetooth'])).status).toBe(202)
    expectError(await requestScopes(s, a, c.phone_token, ['bluetooth']), 409, 'invalid_state')
    expectError(await requestScopes(s, a, c.phone_token, []), 400, 'invalid_request', '/scopes')
    expectError(await requestScopes(s, a, c.phone_token, ['bluetooth', 'bluetooth']), 400, 'invalid_request', '/scopes')
    expectError(await requestScopes(s, a, c.phone_token, ['camera']), 400, 'invalid_request')
    // decisions must match the request, scope by scope
    expectError(await decide(s, a, 'k1', decisionBody({ bluetooth: 'granted', network: 'granted' })), 400, 'invalid_scopes', '/decisions/network')
    const b = await pendingPairing(s, ['bluetooth', 'location'])
    expectError(await decide(s, b.created, 'k2', decisionBody({ bluetooth: 'granted' })), 400, 'invalid_scopes', '/decisions/location')
    expect((await decide(s, a, 'k3', decisionBody({ bluetooth: 'denied' }))).status).toBe(201)
    // another key after the decision
    expectError(await decide(s, a, 'k4', decisionBody({ bluetooth: 'granted' })), 409, 'already_decided')
    // nothing granted → nothing to withdraw
    const w = await request(s, 'POST', `/v1/pairings/${a.pairing_id}/withdrawal`, {
      token: a.tv_token,
      headers: { 'idempotency-key': 'w' },
      body: { screen_id: 's', app_version: '1', device_time: '2030-01-01T00:00:00Z' },
    })
    expectError(w, 409, 'nothing_to_withdraw')
  })

  it('refuses a withdrawal signed by another device', async () => {
    const { created } = await pendingPairing(s, ['bluetooth'])
    expect((await decide(s, created, 'k', decisionBody({ bluetooth: 'granted' }))).status).toBe(201)
    const path = `/v1/pairings/${created.pairing_id}/withdrawal`
    const b = JSON.stringify({ screen_id: 's', app_version: '1', device_time: '2030-01-01T00:00:00Z' })
    const r = await request(s, 'POST', path, { raw: b, headers: { ...(await signed(s, 'POST', path, b, { deviceId: 'tv-0002', secret: 'oem-provisioned-secret-0002' })), 'idempotency-key': 'w' } })
    expectError(r, 403, 'forbidden')
  })

  it('takes a decision signed by the pairing’s own device (a restarted TV has no token) and refuses another device', async () => {
    const { created } = await pendingPairing(s, ['bluetooth'])
    const path = `/v1/pairings/${created.pairing_id}/decision`
    const b = JSON.stringify(decisionBody({ bluetooth: 'granted' }))
    const other = await request(s, 'POST', path, { raw: b, headers: { ...(await signed(s, 'POST', path, b, { deviceId: 'tv-0002', secret: 'oem-provisioned-secret-0002' })), 'idempotency-key': 'd1' } })
    expectError(other, 403, 'forbidden')
    const own = await request(s, 'POST', path, { raw: b, headers: { ...(await signed(s, 'POST', path, b)), 'idempotency-key': 'd2' } })
    expect(own.status).toBe(201)
    expect(own.json).toMatchObject({ pairing_id: created.pairing_id, state: 'granted' })
  })

  it('answers unknown routes and methods with JSON', async () => {
    expectError(await request(s, 'GET', '/v2/whatever'), 404, 'not_found')
    expectError(await request(s, 'DELETE', '/v1/pairings'), 404, 'not_found')
  })
})
