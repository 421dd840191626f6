// CORS for TV apps served from elsewhere: only origins in TV_ORIGINS get CORS headers, their own
// origin echoed (never *), no credentials, preflights answered and cacheable; every response
// varies on Origin; `file://` admits packaged apps loaded from file:// (with file access, what
// Chromium and WPE send), and `null` (an opaque origin: any sandboxed frame sends it too) only when listed.
import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configFromEnv, ConfigError } from '../../src/server/config'
import { parseTvOrigins } from '../../src/server/configOrigins'
import { CORS_REQUEST_HEADERS, PREFLIGHT_MAX_AGE_S } from '../../src/server/plugins/cors'
import { createPairing, DEVICE_ID, request, startServer, type TestServer } from './helpers'

const CDN = 'https://tv.example.com'
const LAN = 'http://192.168.1.20:8080'
const OTHER = 'https://evil.example.net'

const corsHeaders = (h: Record<string, unknown>) => Object.keys(h).filter((k) => k.startsWith('access-control-'))

/** An OPTIONS request as a browser sends it before a cross-origin POST with JSON and a device header. */
function preflight(s: TestServer, path: string, origin: string | null, method = 'POST', headers = 'content-type,x-miitee-device') {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const h: Record<string, string> = { 'access-control-request-method': method, 'access-control-request-headers': headers }
    if (origin !== null) h.origin = origin
    const req = http.request({ host: '127.0.0.1', port: s.port, method: 'OPTIONS', path, headers: h, agent: false }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('TV_ORIGINS', () => {
  it('parses origins as browsers send them and refuses what is not one', () => {
    expect(parseTvOrigins(undefined)).toEqual([])
    expect(parseTvOrigins(' ')).toEqual([])
    expect(parseTvOrigins('HTTPS://TV.Example.com/, http://192.168.1.20:8080 null https://tv.example.com:443 file:// FILE:///')).toEqual([CDN, LAN, 'null', 'file://'])
    expect(configFromEnv({ TV_ORIGINS: `${CDN},null` }).tvOrigins).toEqual([CDN, 'null'])
    expect(configFromEnv({}).tvOrigins).toEqual([])
    for (const [bad, why] of [
      ['*', /every web page/],
      ['https://tv.example.com/app', /more than scheme, host and port/],
      ['https://tv.example.com?x=1', /more than scheme, host and port/],
      ['https://user@tv.example.com', /more than scheme, host and port/],
      ['file:///tv/index.html', /only http and https origins, file:\/\/ or null/],
      ['tv.example.com', /not an origin|only http and https/],
    ] as const) {
      let err: unknown
      try {
        parseTvOrigins(`${CDN},${bad}`)
      } catch (e) {
        err = e
      }
      expect(err, bad).toBeInstanceOf(ConfigError)
      expect((err as ConfigError).variable).toBe('TV_ORIGINS')
      expect((err as Error).message).toMatch(why)
    }
  })
})

describe('CORS on the service', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startServer({ config: { dev: true, tvOrigins: [CDN, 'file://', 'null'] } })
  })
  afterAll(async () => {
    await s.close()
  })

  it('answers a listed origin’s preflight with that origin, the TV’s headers and a max age, without credentials', async () => {
    const r = await preflight(s, '/v1/pairings', CDN)
    expect(r.status).toBe(200)
    expect(r.headers['access-control-allow-origin']).toBe(CDN)
    expect(r.headers['access-control-allow-credentials']).toBeUndefined()
    expect(r.headers['access-control-allow-methods']).toBe('GET, HEAD, POST')
    const allowed = String(r.headers['access-control-allow-headers']).toLowerCase().split(/,\s*/)
    for (const h of CORS_REQUEST_HEADERS) expect(allowed).toContain(h.toLowerCase())
    expect(r.headers['access-control-max-age']).toBe(String(PREFLIGHT_MAX_AGE_S))
    expect(String(r.headers.vary)).toMatch(/\bOrigin\b/)
  })

  it('echoes a listed origin on the real request, errors included, and exposes Retry-After', async () => {
    const created = await request(s, 'POST', '/v1/pairings', { body: { device_name: 'CDN TV' }, headers: { origin: CDN, 'x-miitee-device': DEVICE_ID } })
    expect(created.status).toBe(201)
    expect(created.headers['access-control-allow-origin']).toBe(CDN)
    expect(created.headers['access-control-allow-credentials']).toBeUndefined()
    expect(String(created.headers['access-control-expose-headers'])).toMatch(/\bRetry-After\b/)
    expect(String(created.headers.vary)).toMatch(/\bOrigin\b/)
    // The TV must be able to read refusals too (its outbox classifies them).
    const refused = await request(s, 'GET', `/v1/pairings/${created.json.pairing_id}`, { headers: { origin: CDN, authorization: 'Bearer wrong' } })
    expect(refused.status).toBe(401)
    expect(refused.headers['access-control-allow-origin']).toBe(CDN)
  })

  it('keeps the CORS headers on an event stream', async () => {
    const c = await createPairing(s)
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: s.port, path: `/v1/pairings/${c.pairing_id}/events`, headers: { origin: 'null', authorization: `Bearer ${c.tv_token}`, accept: 'text/event-stream' }, agent: false }, resolve)
      req.on('error', reject)
      req.end()
    })
    res.destroy()
    expect(res.statusCode).toBe(200)
    expect(res.headers['access-control-allow-origin']).toBe('null')
    expect(String(res.headers.vary)).toMatch(/\bOrigin\b/)
  })

  it('admits a file:// app’s origin (file://, or the opaque null) only because it is listed', async () => {
    for (const origin of ['file://', 'null']) expect((await preflight(s, '/v1/pairings', origin)).headers['access-control-allow-origin']).toBe(origin)
    const strict = await startServer({ config: { dev: true, tvOrigins: [CDN] } })
    try {
      for (const origin of ['file://', 'null']) expect(corsHeaders((await preflight(strict, '/v1/pairings', origin)).headers)).toEqual([])
    } finally {
      await strict.close()
    }
  })

  it('gives an origin not on the list, and a request without one, no CORS header at all', async () => {
    for (const origin of [OTHER, `${CDN}.evil.example.net`, 'http://tv.example.com', LAN]) {
      const pre = await preflight(s, '/v1/pairings', origin)
      expect(corsHeaders(pre.headers), origin).toEqual([])
      expect(pre.status).toBe(404)
      const r = await request(s, 'POST', '/v1/pairings', { body: { device_name: 'x' }, headers: { origin, 'x-miitee-device': DEVICE_ID } })
      expect(corsHeaders(r.headers), origin).toEqual([])
      expect(String(r.headers.vary)).toMatch(/\bOrigin\b/)
    }
    const plain = await request(s, 'GET', '/healthz')
    expect(plain.status).toBe(200)
    expect(corsHeaders(plain.headers)).toEqual([])
    expect(String(plain.headers.vary)).toMatch(/\bOrigin\b/)
  })

  it('gives no CORS header to anyone when TV_ORIGINS is empty (the default)', async () => {
    const none = await startServer({ config: { dev: true } })
    try {
      for (const origin of [CDN, 'file://', 'null']) {
        expect(corsHeaders((await preflight(none, '/v1/pairings', origin)).headers)).toEqual([])
        expect(corsHeaders((await request(none, 'GET', '/healthz', { headers: { origin } })).headers)).toEqual([])
      }
    } finally {
      await none.close()
    }
  })
})
