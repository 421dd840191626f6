// Nothing holds a connection for ever: slow uploads, silent half-headers and unused keep-alive
// connections are cut; event streams are capped per token and per address and end once the
// pairing is settled; the connection count has a ceiling.
import http from 'node:http'
import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configFromEnv, ConfigError, defaultConfig, type ConnectionLimits } from '../../src/server/config'
import { defaultMaxConnections, openFileLimit } from '../../src/server/fileLimit'
import { decide, decisionBody, openSse, pendingPairing, request, startServer, type TestServer } from './helpers'

const connections = (over: Partial<ConnectionLimits>): ConnectionLimits => ({ ...defaultConfig().connections, ...over })

/** A raw TCP connection to the service; `closed` resolves with the ms it stayed open and what the service said. */
function rawConnection(port: number, from?: string): { socket: Socket; closed: Promise<{ ms: number; text: string }> } {
  const t0 = Date.now()
  const socket = connect({ host: '127.0.0.1', port, localAddress: from })
  let text = ''
  socket.on('data', (c) => (text += String(c)))
  socket.on('error', () => {})
  const closed = new Promise<{ ms: number; text: string }>((resolve) => socket.once('close', () => resolve({ ms: Date.now() - t0, text })))
  return { socket, closed }
}

/** An event stream over node:http from a chosen loopback address: status code, body so far, and whether it ended. */
function rawStream(port: number, path: string, token: string, from = '127.0.0.1', lastEventId?: string) {
  return new Promise<{ status: number; body: () => string; ended: Promise<void>; close: () => void }>((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'text/event-stream' }
    if (lastEventId !== undefined) headers['last-event-id'] = lastEventId
    const req = http.request({ host: '127.0.0.1', port, path, headers, localAddress: from, agent: false }, (res) => {
      let body = ''
      res.on('data', (c) => (body += String(c)))
      const ended = new Promise<void>((done) => {
        res.once('end', () => done())
        res.once('close', () => done())
      })
      resolve({ status: res.statusCode ?? 0, body: () => body, ended, close: () => req.destroy() })
    })
    req.on('error', reject)
    req.end()
  })
}

const within = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, fail) => setTimeout(() => fail(new Error(`${what} not within ${ms} ms`)), ms))])

describe('connection timeouts', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startServer({ config: { heartbeatMs: 300, connections: connections({ requestTimeoutMs: 1000, headersTimeoutMs: 800, keepAliveTimeoutMs: 500 }) } })
  })
  afterAll(async () => {
    await s.close()
  })

  it('a body trickled a byte at a time is cut at the request timeout', async () => {
    const { socket, closed } = rawConnection(s.port)
    socket.write('POST /v1/claims HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{')
    const drip = setInterval(() => socket.writable && socket.write(' '), 100)
    try {
      const r = await within(closed, 4000, 'the slow upload cut')
      expect(r.ms).toBeLessThan(3500)
      expect(r.ms).toBeGreaterThanOrEqual(900)
    } finally {
      clearInterval(drip)
      socket.destroy()
    }
  })

  it('a half-sent header block followed by silence is cut at the header timeout', async () => {
    const { socket, closed } = rawConnection(s.port)
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n')
    const r = await within(closed, 4000, 'the half-header cut')
    expect(r.ms).toBeLessThan(3000)
    expect(r.text).not.toContain('"ok":true')
  })

  it('an unused keep-alive connection is closed after the keep-alive timeout', async () => {
    const { socket, closed } = rawConnection(s.port)
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n')
    const r = await within(closed, 4000, 'the idle keep-alive close')
    expect(r.text).toContain('"ok":true')
    expect(r.ms).toBeLessThan(3000)
  })

  it('an event stream outlives the request timeout (it is a response, kept alive by heartbeats)', async () => {
    const { created } = await pendingPairing(s)
    const sse = await openSse(`${s.url}/v1/pairings/${created.pairing_id}/events`, created.tv_token)
    try {
      await sse.next()
      await new Promise((r) => setTimeout(r, 2000))
      expect(sse.comments).toBeGreaterThanOrEqual(3)
      await decide(s, created, 'k-outlive', decisionBody({ bluetooth: 'granted', network: 'granted' }))
      expect((await sse.next()).event).toBe('decided')
    } finally {
      sse.close()
    }
  })
})

describe('event stream caps and ends', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startServer({ config: { connections: connections({ maxStreamsPerToken: 3, maxStreamsPerAddress: 5 }) } })
  })
  afterAll(async () => {
    await s.close()
  })

  it('one token holds at most N streams: the N+1th is refused with 429 too_many_streams, and a slot frees when one closes', async () => {
    const { created, phoneToken } = await pendingPairing(s)
    const path = `/v1/pairings/${created.pairing_id}/events`
    const open = [await rawStream(s.port, path, phoneToken), await rawStream(s.port, path, phoneToken), await rawStream(s.port, path, phoneToken)]
    try {
      expect(open.map((o) => o.status)).toEqual([200, 200, 200])
      const refused = await request(s, 'GET', path, { token: phoneToken })
      expect(refused.status).toBe(429)
      expect(refused.json.error).toBe('too_many_streams')
      expect(refused.json.message).toMatch(/3 open event streams/)
      expect(refused.headers['retry-after']).toBeDefined()
      // The TV's token is another token: it still gets its stream.
      const tv = await rawStream(s.port, path, created.tv_token)
      expect(tv.status).toBe(200)
      tv.close()
      open.pop()!.close()
      await expect.poll(async () => (await rawStream(s.port, path, phoneToken).then((o) => (open.push(o), o.status))), { timeout: 2000 }).toBe(200)
    } finally {
      open.forEach((o) => o.close())
    }
  })

  it('one client address holds at most M streams across tokens; another address is not affected', async () => {
    const pairings = await Promise.all([1, 2, 3].map(() => pendingPairing(s)))
    const open: Awaited<ReturnType<typeof rawStream>>[] = []
    try {
      for (const p of pairings.slice(0, 2)) {
        const path = `/v1/pairings/${p.created.pairing_id}/events`
        open.push(await rawStream(s.port, path, p.phoneToken, '127.0.0.2'), await rawStream(s.port, path, p.created.tv_token, '127.0.0.2'))
      }
      const third = `/v1/pairings/${pairings[2].created.pairing_id}/events`
      open.push(await rawStream(s.port, third, pairings[2].phoneToken, '127.0.0.2'))
      expect(open.map((o) => o.status)).toEqual([200, 200, 200, 200, 200])
      const refused = await rawStream(s.port, third, pairings[2].created.tv_token, '127.0.0.2')
      expect(refused.status).toBe(429)
      expect(JSON.parse(await refused.ended.then(() => refused.body())).error).toBe('too_many_streams')
      const elsewhere = await rawStream(s.port, third, pairings[2].created.tv_token, '127.0.0.3')
      expect(elsewhere.status).toBe(200)
      open.push(elsewhere)
    } finally {
      open.forEach((o) => o.close())
    }
  })

  it('a stream ends after the event that settles the pairing (denied); reconnecting after it gets 204', async () => {
    const { created, phoneToken } = await pendingPairing(s)
    const path = `/v1/pairings/${created.pairing_id}/events`
    const stream = await rawStream(s.port, path, phoneToken)
    await new Promise((r) => setTimeout(r, 100))
    expect((await decide(s, created, 'k-deny', decisionBody({ bluetooth: 'denied', network: 'denied' }))).status).toBe(201)
    await within(stream.ended, 3000, 'the stream end')
    const frames = stream.body()
    expect(frames).toContain('event: decided')
    const lastId = [...frames.matchAll(/^id: (\d+)$/gm)].map((m) => m[1]).pop()!
    const again = await rawStream(s.port, path, phoneToken, '127.0.0.1', lastId)
    expect(again.status).toBe(204)
    // Without Last-Event-ID the client learns the final state once, then the stream ends.
    const fresh = await rawStream(s.port, path, phoneToken)
    expect(fresh.status).toBe(200)
    await within(fresh.ended, 3000, 'the fresh stream end')
    expect(fresh.body()).toMatch(/"state":"denied"/)
  })

  it('a granted pairing keeps its stream (a withdrawal may follow) and ends it once every granted scope is withdrawn', async () => {
    const { created, phoneToken } = await pendingPairing(s)
    const path = `/v1/pairings/${created.pairing_id}/events`
    const stream = await rawStream(s.port, path, phoneToken)
    expect((await decide(s, created, 'k-grant', decisionBody({ bluetooth: 'granted', network: 'denied' }))).status).toBe(201)
    await expect.poll(() => stream.body().includes('event: decided'), { timeout: 3000 }).toBe(true)
    const early = await Promise.race([stream.ended.then(() => 'ended'), new Promise((r) => setTimeout(() => r('open'), 300))])
    expect(early).toBe('open')
    const w = await request(s, 'POST', `/v1/pairings/${created.pairing_id}/withdrawal`, {
      token: created.tv_token,
      headers: { 'idempotency-key': 'w-1' },
      body: { screen_id: 'privacy', app_version: '0.1.0', device_time: '2030-01-01T00:00:09.000Z' },
    })
    expect(w.status).toBe(201)
    await within(stream.ended, 3000, 'the stream end after the withdrawal')
    expect(stream.body()).toContain('event: withdrawn')
    // The released slots count again: all three streams of the token are free.
    expect(s.app.sseHub.size).toBe(0)
  })
})

describe('the connection ceiling', () => {
  it('past MAX_CONNECTIONS new connections are dropped at once; below it they are served', async () => {
    const s = await startServer({ config: { connections: connections({ maxConnections: 16, headersTimeoutMs: 5000 }) } })
    const held = Array.from({ length: 16 }, () => rawConnection(s.port))
    try {
      await Promise.all(held.map((h) => new Promise((r) => h.socket.once('connect', r))))
      await new Promise((r) => setTimeout(r, 100))
      const extra = rawConnection(s.port)
      const r = await within(extra.closed, 2000, 'the connection over the ceiling dropped')
      expect(r.text).toBe('')
      held.forEach((h) => h.socket.destroy())
      await expect.poll(async () => (await request(s, 'GET', '/healthz').catch(() => ({ status: 0 }))).status, { timeout: 3000 }).toBe(200)
    } finally {
      held.forEach((h) => h.socket.destroy())
      await s.close()
    }
  })
})

describe('connection settings', () => {
  it('MAX_CONNECTIONS defaults to the open-file limit less a reserve', () => {
    const limits = 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 524288               files\n'
    expect(openFileLimit(limits)).toBe(1024)
    expect(defaultMaxConnections(1024)).toBe(896)
    expect(defaultMaxConnections(null)).toBe(1000)
    expect(configFromEnv({}).connections.maxConnections).toBe(defaultMaxConnections())
    expect(configFromEnv({ MAX_CONNECTIONS: '5000' }).connections.maxConnections).toBe(5000)
  })

  it('reads every limit and refuses settings that would cut event streams or long-polls', () => {
    const c = configFromEnv({ REQUEST_TIMEOUT_SECONDS: '20', HEADERS_TIMEOUT_SECONDS: '5', IDLE_TIMEOUT_SECONDS: '90', KEEP_ALIVE_TIMEOUT_SECONDS: '7', MAX_STREAMS_PER_TOKEN: '2', MAX_STREAMS_PER_ADDRESS: '9' }).connections
    expect(c).toMatchObject({ requestTimeoutMs: 20_000, headersTimeoutMs: 5000, idleTimeoutMs: 90_000, keepAliveTimeoutMs: 7000, maxStreamsPerToken: 2, maxStreamsPerAddress: 9 })
    const fails = (env: Record<string, string>, variable: string) => {
      try {
        configFromEnv(env)
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError)
        expect((e as ConfigError).variable).toBe(variable)
        return
      }
      throw new Error(`accepted ${JSON.stringify(env)}`)
    }
    fails({ IDLE_TIMEOUT_SECONDS: '20' }, 'IDLE_TIMEOUT_SECONDS')
    fails({ HEARTBEAT_SECONDS: '60', IDLE_TIMEOUT_SECONDS: '60' }, 'IDLE_TIMEOUT_SECONDS')
    fails({ HEADERS_TIMEOUT_SECONDS: '30', REQUEST_TIMEOUT_SECONDS: '10' }, 'HEADERS_TIMEOUT_SECONDS')
    fails({ MAX_CONNECTIONS: '3' }, 'MAX_CONNECTIONS')
    expect(configFromEnv({ HEARTBEAT_SECONDS: '120' }).connections.idleTimeoutMs).toBe(125_000)
  })
})
