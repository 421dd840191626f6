import { describe, expect, it } from 'vitest'
import { MemoryStore } from '../../../../../src/tv/services/KeyValueStore'
import {
  ConsentOutbox,
  backoffDelay,
  classifyHttp,
  parseRetryAfter,
  type OutboxEntry,
  type OutboxEvent,
  type SendResult,
} from '../../../../../src/tv/features/pairing/services/ConsentOutbox'

/** A manual clock and timer queue: the test decides when time passes. */
function fakeTime() {
  let now = 1_000_000
  let timers: { at: number; fn: () => void; id: number }[] = []
  let seq = 0
  return {
    now: () => now,
    setTimer: (fn: () => void, ms: number) => {
      const id = ++seq
      timers.push({ at: now + ms, fn, id })
      return id
    },
    clearTimer: (id: unknown) => {
      timers = timers.filter((t) => t.id !== id)
    },
    pending: () => timers.map((t) => t.at - now),
    async advance(ms: number) {
      now += ms
      const due = timers.filter((t) => t.at <= now)
      timers = timers.filter((t) => t.at > now)
      for (const t of due) t.fn()
      // let the drain loop's awaits settle
      for (let i = 0; i < 20; i++) await Promise.resolve()
    },
  }
}

function scriptedTransport(script: SendResult[]) {
  const sent: OutboxEntry[] = []
  return {
    sent,
    async send(entry: OutboxEntry): Promise<SendResult> {
      sent.push(entry)
      const next = script.shift()
      if (!next) throw new Error('unexpected send')
      return next
    },
  }
}

const decision = (id: string) => ({ id, kind: 'decision' as const, pairingId: 'p1', body: { decisions: { bluetooth: 'granted' } } })

describe('backoff and HTTP classification', () => {
  it('full jitter stays within [0, min(cap, base·2^n)]', () => {
    for (let n = 0; n < 12; n++) {
      const ceiling = Math.min(60_000, 500 * 2 ** n)
      expect(backoffDelay(n, 500, 60_000, () => 0)).toBe(0)
      expect(backoffDelay(n, 500, 60_000, () => 0.999999)).toBe(Math.floor(0.999999 * ceiling))
      expect(backoffDelay(n, 500, 60_000, () => 0.5)).toBeLessThanOrEqual(ceiling)
    }
    expect(backoffDelay(30, 500, 60_000, () => 0.5)).toBe(30_000)
  })

  it('retries network errors, 408, 429 and 5xx; stops on success and final answers', () => {
    expect(classifyHttp(null).outcome).toBe('retry')
    for (const s of [408, 429, 500, 502, 503]) expect(classifyHttp(s).outcome).toBe('retry')
    for (const s of [200, 201, 204]) expect(classifyHttp(s).outcome).toBe('delivered')
    for (const s of [400, 401, 409, 410, 422]) expect(classifyHttp(s).outcome).toBe('final')
    // A busy 409 (lock held, same key in flight) is retried; another final state is not.
    expect(classifyHttp(409, '1', 0, 'request_in_flight')).toEqual({ outcome: 'retry', reason: 'http 409 request_in_flight', retryAfterMs: 1000 })
    expect(classifyHttp(409, null, 0, 'decision_in_progress').outcome).toBe('retry')
    expect(classifyHttp(409, null, 0, 'already_decided')).toEqual({ outcome: 'final', status: 409, code: 'already_decided' })
  })

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('7', 0)).toBe(7000)
    expect(parseRetryAfter(new Date(60_000).toUTCString(), 0)).toBe(60_000)
    expect(parseRetryAfter('soon', 0)).toBeUndefined()
    expect(classifyHttp(429, '3', 0)).toEqual({ outcome: 'retry', reason: 'http 429', retryAfterMs: 3000 })
  })
})

describe('ConsentOutbox', () => {
  it('writes the entry to storage before the first send', async () => {
    const store = new MemoryStore()
    const t = fakeTime()
    let storedAtSend: string | null = null
    const outbox = new ConsentOutbox(
      store,
      {
        async send() {
          storedAtSend = store.get('consent-outbox')
          return { outcome: 'delivered', status: 200 }
        },
      },
      t,
    )
    outbox.enqueue(decision('k1'))
    expect(JSON.parse(store.get('consent-outbox') as string)[0].id).toBe('k1')
    await t.advance(0)
    expect(JSON.parse(storedAtSend as unknown as string)[0].id).toBe('k1')
    expect(outbox.entries()).toEqual([])
  })

  it('delivers in order, keeping the same idempotency key across retries', async () => {
    const t = fakeTime()
    const tr = scriptedTransport([
      { outcome: 'retry', reason: 'network' },
      { outcome: 'retry', reason: 'http 503' },
      { outcome: 'delivered', status: 200 },
      { outcome: 'delivered', status: 200 },
    ])
    const events: OutboxEvent[] = []
    const outbox = new ConsentOutbox(new MemoryStore(), tr, { ...t, random: () => 1 - 1e-9, baseDelayMs: 100 })
    outbox.on((e) => events.push(e))
    outbox.enqueue(decision('first'))
    outbox.enqueue({ ...decision('second'), kind: 'withdrawal' })
    await t.advance(0)
    expect(tr.sent.map((e) => e.id)).toEqual(['first'])
    await t.advance(100)
    expect(tr.sent.map((e) => e.id)).toEqual(['first', 'first'])
    await t.advance(200)
    expect(tr.sent.map((e) => e.id)).toEqual(['first', 'first', 'first', 'second'])
    expect(outbox.entries()).toEqual([])
    expect(events.filter((e) => e.type === 'delivered').map((e) => e.entry.id)).toEqual(['first', 'second'])
    expect(events.filter((e) => e.type === 'retrying').map((e) => (e as { delayMs: number }).delayMs)).toEqual([99, 199])
  })

  it('honours Retry-After when it is longer than the backoff', async () => {
    const t = fakeTime()
    const tr = scriptedTransport([{ outcome: 'retry', reason: 'http 429', retryAfterMs: 5000 }, { outcome: 'delivered', status: 200 }])
    const outbox = new ConsentOutbox(new MemoryStore(), tr, { ...t, random: () => 0.5 })
    outbox.enqueue(decision('k'))
    await t.advance(0)
    await t.advance(4999)
    expect(tr.sent).toHaveLength(1)
    await t.advance(1)
    expect(tr.sent).toHaveLength(2)
  })

  it('removes an entry on a final answer and reports it', async () => {
    const t = fakeTime()
    const tr = scriptedTransport([{ outcome: 'final', status: 410, code: 'expired' }])
    const events: OutboxEvent[] = []
    const outbox = new ConsentOutbox(new MemoryStore(), tr, t)
    outbox.on((e) => events.push(e))
    outbox.enqueue(decision('k'))
    await t.advance(0)
    expect(outbox.entries()).toEqual([])
    expect(events.at(-1)).toMatchObject({ type: 'final', status: 410, code: 'expired' })
  })

  it('survives a restart: a new outbox over the same storage delivers what was left', async () => {
    const store = new MemoryStore()
    const t1 = fakeTime()
    const down = scriptedTransport([{ outcome: 'retry', reason: 'network' }])
    const before = new ConsentOutbox(store, down, t1)
    before.enqueue(decision('keep-me'))
    await t1.advance(0)
    before.stop()
    expect(before.entries()).toHaveLength(1)
    expect(before.entries()[0].attempts).toBe(1)

    const t2 = fakeTime()
    const up = scriptedTransport([{ outcome: 'delivered', status: 200 }])
    const after = new ConsentOutbox(store, up, { ...t2, now: () => t2.now() + 120_000 })
    after.start()
    await t2.advance(0)
    expect(up.sent.map((e) => e.id)).toEqual(['keep-me'])
    expect(after.entries()).toEqual([])
  })

  it('treats a thrown transport error as retryable and enqueueing the same key twice as one entry', async () => {
    const t = fakeTime()
    const outbox = new ConsentOutbox(
      new MemoryStore(),
      {
        async send() {
          throw new Error('socket hang up')
        },
      },
      { ...t, random: () => 0 },
    )
    outbox.enqueue(decision('same'))
    outbox.enqueue(decision('same'))
    expect(outbox.entries()).toHaveLength(1)
    await t.advance(0)
    expect(outbox.entries()[0]).toMatchObject({ id: 'same', attempts: 1, lastError: 'socket hang up' })
  })
})
