// How a device signature is compared: as 32 bytes in constant time, hex of either case taken,
// anything else refused as a wrong signature (and counted as one); and the device id hashes the
// signed path remembers are the ones computed everywhere else.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deviceIdHash } from '../../src/server/auth/deviceHashes'
import { Hasher } from '../../src/server/crypto'
import { deviceHash } from '../../src/server/service/authentication'
import type { ServiceDeps } from '../../src/server/service/deps'
import { request, signed, startServer, type TestServer } from './helpers'

const body = JSON.stringify({ device_name: 'Living room TV' })
const create = async (s: TestServer, headers: Record<string, string>) => request(s, 'POST', '/v1/pairings', { raw: body, headers })

describe('device signature comparison', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startServer({ config: { limits: { authFailuresPerDevice: 3 } } })
  })
  afterAll(async () => {
    await s.close()
  })

  it('takes the signature in upper-case hex as in lower case', async () => {
    const h = await signed(s, 'POST', '/v1/pairings', body)
    const upper = { ...h, 'x-miitee-signature': h['x-miitee-signature'].toUpperCase() }
    expect(upper['x-miitee-signature']).not.toBe(h['x-miitee-signature'])
    expect((await create(s, upper)).status).toBe(201)
  })

  it('a signature of another length or not hex is a wrong signature, counted towards the failure limit', async () => {
    const good = await signed(s, 'POST', '/v1/pairings', body)
    const sig = good['x-miitee-signature']
    for (const bad of [sig.slice(0, 63), `${sig}0`, `${sig.slice(0, 63)}g`]) {
      const r = await create(s, { ...(await signed(s, 'POST', '/v1/pairings', body)), 'x-miitee-signature': bad })
      expect({ status: r.status, error: r.json.error }).toEqual({ status: 401, error: 'invalid_signature' })
    }
    // Three failures: the correctly signed request is throttled now.
    const locked = await create(s, await signed(s, 'POST', '/v1/pairings', body))
    expect({ status: locked.status, error: locked.json.error }).toEqual({ status: 429, error: 'rate_limited' })
  })
})

describe('remembered device id hashes', () => {
  it('are the hashes computed without the cache, known device or not, under each server key', () => {
    const [h1, h2] = [new Hasher(randomBytes(32)), new Hasher(randomBytes(32))]
    for (const hasher of [h1, h2])
      for (const known of [true, false])
        for (const kind of ['device', 'device-auth-failures'])
          for (let i = 0; i < 2; i++) expect(deviceIdHash(hasher, kind, 'tv-0001', known)).toBe(hasher.hash(kind, 'tv-0001'))
    expect(deviceIdHash(h1, 'device', 'tv-0001', true)).toBe(deviceHash({ hasher: h1 } as ServiceDeps, 'tv-0001'))
    expect(deviceIdHash(h1, 'device', 'tv-0001', true)).not.toBe(deviceIdHash(h2, 'device', 'tv-0001', true))
    expect(deviceIdHash(h1, 'device', 'tv-0001', true)).not.toBe(deviceIdHash(h1, 'device', 'tv-0002', true))
  })
})
