// Device authentication gives nothing away and cannot be guessed at speed: an unknown device and
// a wrong signature (or client_secret) get the same answer, failures are limited per device id,
// and a signature names the service's host, so it does not verify on another deployment that
// shares the device credentials.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signingHost } from '../../src/core/protocol'
import { DEVICE_ID, DEVICE_SECRET, request, signed, startServer, type Res, type TestServer } from './helpers'

const body = JSON.stringify({ device_name: 'Living room TV' })
const create = async (s: TestServer, headers: Record<string, string>, raw = body) => request(s, 'POST', '/v1/pairings', { raw, headers })
const badSignature = async (s: TestServer, deviceId = DEVICE_ID) => ({ ...(await signed(s, 'POST', '/v1/pairings', body, { deviceId })), 'x-miitee-signature': 'f'.repeat(64) })
const answer = (r: Res) => ({ status: r.status, body: r.json })

describe('unknown device and wrong signature answer alike', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startServer({ config: { limits: { authFailuresPerDevice: 1000 } } })
  })
  afterAll(async () => {
    await s.close()
  })

  it('POST /v1/pairings: same status, code and message for an unknown device, a known one with a wrong signature and one signed with another secret', async () => {
    const unknown = await create(s, await signed(s, 'POST', '/v1/pairings', body, { deviceId: 'tv-9999', secret: 'any-secret-of-16-chars' }))
    const wrongSig = await create(s, await badSignature(s))
    const wrongSecret = await create(s, await signed(s, 'POST', '/v1/pairings', body, { secret: 'not-the-secret-0001' }))
    expect(answer(unknown)).toEqual(answer(wrongSig))
    expect(answer(unknown)).toEqual(answer(wrongSecret))
    expect(unknown.status).toBe(401)
    expect(unknown.json.error).toBe('invalid_signature')
    expect(unknown.json.message).not.toMatch(/device has no|unknown/i)
  })

  it('a stale timestamp is refused alike for known and unknown devices (checked before the credential)', async () => {
    const stale = Math.floor(s.clock.now() / 1000) - 3600
    const known = await create(s, await signed(s, 'POST', '/v1/pairings', body, { timestamp: stale }))
    const unknown = await create(s, await signed(s, 'POST', '/v1/pairings', body, { deviceId: 'tv-9999', timestamp: stale }))
    expect(answer(known)).toEqual(answer(unknown))
    expect(known.json.error).toBe('stale_timestamp')
  })

  it('OAuth: unknown client and wrong client_secret answer alike, with the signature as with client_secret_post', async () => {
    const form = (id: string, secret: string) => request(s, 'POST', '/oauth/device_authorization', { form: { client_id: id, client_secret: secret } })
    const unknown = await form('tv-9999', DEVICE_SECRET)
    const wrong = await form(DEVICE_ID, 'not-the-secret-0001')
    expect(answer(unknown)).toEqual(answer(wrong))
    expect(unknown.json.error).toBe('invalid_client')
    const viaSig = async (deviceId: string) =>
      request(s, 'POST', '/oauth/device_authorization', {
        raw: `client_id=${deviceId}`,
        contentType: 'application/x-www-form-urlencoded',
        headers: { ...(await signed(s, 'POST', '/oauth/device_authorization', `client_id=${deviceId}`, { deviceId })), 'x-miitee-signature': '0'.repeat(64) },
      })
    const sigUnknown = await viaSig('tv-9999')
    const sigKnown = await viaSig(DEVICE_ID)
    expect(sigUnknown.status).toBe(401)
    expect(sigUnknown.json).toEqual(sigKnown.json)
    expect(sigUnknown.json.error_description).not.toMatch(/no credential|unknown/i)
  })
})

describe('failed authentications are limited per device', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startServer({ config: { deviceCredentials: new Map([[DEVICE_ID, DEVICE_SECRET], ['tv-0002', 'oem-provisioned-secret-0002']]), limits: { authFailuresPerDevice: 3, authFailuresWindowS: 600 } } })
  })
  afterAll(async () => {
    await s.close()
  })

  it('after N bad signatures even a correct one is refused (429 with Retry-After) until the window ends; other devices are not affected', async () => {
    for (let i = 0; i < 3; i++) expect((await create(s, await badSignature(s))).json.error).toBe('invalid_signature')
    const locked = await create(s, await signed(s, 'POST', '/v1/pairings', body))
    expect(locked.status).toBe(429)
    expect(locked.json.error).toBe('rate_limited')
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(500)
    // another device signs as usual
    expect((await create(s, await signed(s, 'POST', '/v1/pairings', body, { deviceId: 'tv-0002', secret: 'oem-provisioned-secret-0002' }))).status).toBe(201)
    s.clock.advance(601_000)
    expect((await create(s, await signed(s, 'POST', '/v1/pairings', body))).status).toBe(201)
  })

  it('an unknown device id is limited the same way, so the limit tells nothing either', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) statuses.push((await create(s, await badSignature(s, 'tv-7777'))).status)
    expect(statuses).toEqual([401, 401, 401, 429])
  })

  it('client_secret guesses are limited per client id', async () => {
    s.clock.advance(601_000)
    const form = (secret: string, id = DEVICE_ID) => request(s, 'POST', '/oauth/device_authorization', { form: { client_id: id, client_secret: secret } })
    for (let i = 0; i < 3; i++) expect((await form(`guess-number-${i}-000000`)).status).toBe(401)
    const locked = await form(DEVICE_SECRET)
    expect(locked.status).toBe(429)
    expect(locked.json.error).toBe('invalid_client')
    expect(locked.headers['retry-after']).toBeDefined()
    expect((await form('oem-provisioned-secret-0002', 'tv-0002')).status).toBe(200)
  })
})

describe('a signature names the service host', () => {
  let a: TestServer
  let b: TestServer
  beforeAll(async () => {
    // Two deployments sharing the same device credentials (staging and production, say).
    a = await startServer()
    b = await startServer({ clock: a.clock })
  })
  afterAll(async () => {
    await a.close()
    await b.close()
  })

  it('a request signed for one deployment is refused by another, while the first takes it', async () => {
    const forA = await signed(a, 'POST', '/v1/pairings', body)
    const replayed = await create(b, forA)
    expect(replayed.status).toBe(401)
    expect(replayed.json.error).toBe('invalid_signature')
    expect((await create(a, forA)).status).toBe(201)
  })

  it('the host signed is the one the public URL names (case and a default port do not matter)', async () => {
    const host = signingHost(a.config.publicUrl!)
    expect(host).toMatch(/^127\.0\.0\.1:\d+$/)
    expect((await create(a, await signed(a, 'POST', '/v1/pairings', body, { host: host.toUpperCase() }))).status).toBe(201)
    expect((await create(a, await signed(a, 'POST', '/v1/pairings', body, { host: 'pair.example.com' }))).json.error).toBe('invalid_signature')
  })

  it('the OAuth metadata gives the issuer the TV signs for', async () => {
    const meta = await request(a, 'GET', '/.well-known/oauth-authorization-server')
    expect(signingHost(meta.json.issuer)).toBe(signingHost(a.config.publicUrl!))
  })
})
