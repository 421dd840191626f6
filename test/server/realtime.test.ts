// Following a pairing: SSE with Last-Event-ID resume and heartbeats, long-poll answering at
// the first change, and polling paced with slow_down (plain polls and long-polls answered at once).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { claim, createPairing, decide, decisionBody, openSse, request, requestScopes, startServer, type TestServer } from './helpers'

let s: TestServer
beforeEach(async () => {
  s = await startServer({ config: { heartbeatMs: 100 } })
})
afterEach(async () => {
  await s.close()
})

describe('server-sent events', () => {
  it('resumes after Last-Event-ID without loss or repeats, with heartbeats', async () => {
    const created = await createPairing(s)
    const url = `${s.url}/v1/pairings/${created.pairing_id}/events`
    const first = await openSse(url, created.tv_token)
    const snap = await first.next()
    expect(snap).toMatchObject({ id: '1', event: 'status' })
    const c = await claim(s, created)
    const ev2 = await first.next()
    expect(ev2).toMatchObject({ id: '2', event: 'claimed' })
    first.close()

    // While the TV is away: the phone asks, the TV (another instance) decides.
    expect((await requestScopes(s, created, c.phone_token, ['bluetooth'])).status).toBe(202)
    expect((await decide(s, created, 'k', decisionBody({ bluetooth: 'granted' }))).status).toBe(201)

    const resumed = await openSse(url, created.tv_token, '2')
    const a = await resumed.next()
    const b = await resumed.next()
    expect([a.id, a.event, b.id, b.event]).toEqual(['3', 'consent_requested', '4', 'decided'])
    expect(JSON.parse(b.data!).status.decision.decisions).toEqual({ bluetooth: 'granted' })
    await resumed.until(() => resumed.comments >= 2, 2000)
    expect(resumed.pending()).toBe(0)

    // Resuming at the newest id sends nothing until the next event.
    const current = await openSse(url, created.tv_token, '4')
    await current.until(() => current.comments >= 1, 2000)
    expect(current.pending()).toBe(0)
    const w = await request(s, 'POST', `/v1/pairings/${created.pairing_id}/withdrawal`, {
      token: created.tv_token,
      headers: { 'idempotency-key': 'w' },
      body: { screen_id: 's', app_version: '1', device_time: '2030-01-01T00:00:00Z' },
    })
    expect(w.status).toBe(201)
    expect(await current.next()).toMatchObject({ id: '5', event: 'withdrawn' })
    for (const x of [resumed, current]) x.close()
  })

  it('sends the current state when the Last-Event-ID is unknown', async () => {
    const created = await createPairing(s)
    const st = await openSse(`${s.url}/v1/pairings/${created.pairing_id}/events`, created.tv_token, '999')
    expect(await st.next()).toMatchObject({ id: '1', event: 'status' })
    st.close()
    const bad = await request(s, 'GET', `/v1/pairings/${created.pairing_id}/events`, { token: created.tv_token, headers: { 'last-event-id': 'abc' } })
    expect(bad.status).toBe(400)
  })
})

describe('long-poll', () => {
  it('answers at the first change, well before the wait ends', async () => {
    const created = await createPairing(s)
    const t0 = Date.now()
    const poll = request(s, 'GET', `/v1/pairings/${created.pairing_id}?wait=25`, { token: created.tv_token })
    await new Promise((r) => setTimeout(r, 150))
    await claim(s, created)
    const r = await poll
    const took = Date.now() - t0
    expect(r.status).toBe(200)
    expect(r.json.state).toBe('claimed')
    expect(r.json.event_id).toBe(2)
    expect(took).toBeGreaterThanOrEqual(140)
    expect(took).toBeLessThan(2000)
  })

  it('answers at once when an event newer than `after` exists, and on timeout otherwise', async () => {
    const created = await createPairing(s)
    await claim(s, created)
    const t0 = Date.now()
    const r = await request(s, 'GET', `/v1/pairings/${created.pairing_id}?wait=25&after=1`, { token: created.tv_token })
    expect(Date.now() - t0).toBeLessThan(500)
    expect(r.json.state).toBe('claimed')
    const t1 = Date.now()
    const idle = await request(s, 'GET', `/v1/pairings/${created.pairing_id}?wait=1&after=2`, { token: created.tv_token })
    expect(Date.now() - t1).toBeGreaterThanOrEqual(950)
    expect(idle.status).toBe(200)
    expect(idle.json.event_id).toBe(2)
  })
})

describe('plain polling', () => {
  it('answers slow_down when polled faster than the interval (20% tolerance) and raises the interval', async () => {
    const created = await createPairing(s)
    const path = `/v1/pairings/${created.pairing_id}`
    expect((await request(s, 'GET', path, { token: created.tv_token })).status).toBe(200)
    s.clock.advance(4_000) // 5 s × 0.8 = 4 s: still within tolerance
    expect((await request(s, 'GET', path, { token: created.tv_token })).status).toBe(200)
    s.clock.advance(3_900)
    const fast = await request(s, 'GET', path, { token: created.tv_token })
    expect(fast.status).toBe(429)
    expect(fast.json).toMatchObject({ error: 'slow_down', interval: 10 })
    expect(fast.headers['retry-after']).toBe('10')
    // measured from the previous poll: 8 s later is too soon for the new 10 s interval
    s.clock.advance(7_900)
    expect((await request(s, 'GET', path, { token: created.tv_token })).json.interval).toBe(15)
    s.clock.advance(12_000)
    expect((await request(s, 'GET', path, { token: created.tv_token })).status).toBe(200)
    // the phone is paced on its own
    const c = await claim(s, created)
    expect((await request(s, 'GET', path, { token: c.phone_token })).status).toBe(200)
    // a long-poll answered at once is a poll like any other: too soon after the last one
    const early = await request(s, 'GET', `${path}?wait=1&after=1`, { token: created.tv_token })
    expect(early.status).toBe(429)
    expect(early.json.error).toBe('slow_down')
  })

  it('paces long-polls answered at once (`after=0`), never one that waited for its event', async () => {
    const created = await createPairing(s)
    const c = await claim(s, created)
    const path = `/v1/pairings/${created.pairing_id}`
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) statuses.push((await request(s, 'GET', `${path}?wait=1&after=0`, { token: created.tv_token })).status)
    expect(statuses).toEqual([200, 429, 429, 429, 429, 429])
    // The phone is paced on its own.
    expect((await request(s, 'GET', `${path}?wait=1&after=0`, { token: c.phone_token })).status).toBe(200)
    // A long-poll following the newest event waits, and its answer at the change is not refused,
    // however soon it comes after the refused polls.
    const waiting = request(s, 'GET', `${path}?wait=5&after=2`, { token: created.tv_token })
    await new Promise((r) => setTimeout(r, 100))
    expect((await requestScopes(s, created, c.phone_token, ['bluetooth'])).status).toBe(202)
    const answered = await waiting
    expect(answered.status).toBe(200)
    expect(answered.json.state).toBe('consent_pending')
    // Once the raised interval has passed, an answer at once is served again.
    s.clock.advance(60_000)
    expect((await request(s, 'GET', `${path}?wait=1&after=0`, { token: created.tv_token })).status).toBe(200)
  })
})
