import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { CreatePairingResponse, PairingStatus } from '../../../../../src/core/protocol'
import type { PolicyDocument } from '../../../../../src/core/policy/model'
import { ConsentHistoryStore } from '../../../../../src/tv/features/pairing/services/ConsentHistoryStore'
import { ConsentOutbox } from '../../../../../src/tv/features/pairing/services/ConsentOutbox'
import { PairingApiError, type PairingApi } from '../../../../../src/tv/features/pairing/services/PairingApi'
import type { FollowerOptions } from '../../../../../src/tv/features/pairing/services/PairingFollower'
import { PairingSession } from '../../../../../src/tv/features/pairing/services/PairingSession'
import { MemoryStore } from '../../../../../src/tv/services/KeyValueStore'
import type { PlatformBridge } from '../../../../../src/tv/platform/PlatformBridge'

// The follower is a handle the test drives: statuses, "gone" and health arrive when the test says.
interface Handle {
  id: string
  push: (s: PairingStatus) => void
  opts: FollowerOptions
  stopped: boolean
}
const followers: Handle[] = []
vi.mock('../../../../../src/tv/features/pairing/services/PairingFollower', () => ({
  PairingFollower: class {
    rec: Handle
    constructor(_api: unknown, id: string, _token: string, onStatus: (s: PairingStatus) => void, opts: FollowerOptions = {}) {
      this.rec = { id, push: onStatus, opts, stopped: false }
      followers.push(this.rec)
    }
    start() {}
    stop() {
      this.rec.stopped = true
    }
  },
}))

const doc = { id: 'p', version: '1', locale: 'zh-CN', sha256: 'a'.repeat(64), sections: [] } as unknown as PolicyDocument

/** A service whose pairing creation fails while `down` is set (no answer, or the given refusal). */
function setup() {
  const state: { down: null | 'network' | 'refused' | 'busy'; created: CreatePairingResponse[] } = { down: null, created: [] }
  const api = {
    baseUrl: '',
    async createPairing(): Promise<CreatePairingResponse> {
      if (state.down === 'network') throw new Error('Network Error')
      if (state.down === 'refused') throw new PairingApiError(401, 'invalid_client', 'unknown device')
      if (state.down === 'busy') throw new PairingApiError(503, 'unavailable', 'restarting')
      const n = state.created.length + 1
      const p = { pairing_id: `p${n}`, qr_url: `HTTP://TV/P/${n}`, user_code: `BCDF-GHJ${n}`, verification_uri: 'http://tv/link', verification_uri_complete: 'x', tv_token: `t${n}`, expires_in: 300, interval: 5, server_time: new Date().toISOString() }
      state.created.push(p)
      return p
    },
  } as unknown as PairingApi
  const store = new MemoryStore()
  const outbox = new ConsentOutbox(store, { send: async () => ({ outcome: 'retry', reason: 'x' }) })
  const bridge = { identity: () => ({ id: 'dev', name: 'TV' }), storage: () => store } as unknown as PlatformBridge
  const session = new PairingSession(api, outbox, new Map(), new ConsentHistoryStore(store), bridge, () => doc)
  return { session, state }
}

const status = (id: string, state: PairingStatus['state'], phone?: string): PairingStatus => ({
  pairing_id: id,
  state,
  expires_at: new Date(Date.now() + 60_000).toISOString(),
  server_time: new Date().toISOString(),
  interval: 5,
  event_id: 2,
  tv: { name: 'TV' },
  ...(phone ? { phone: { name: phone } } : {}),
})

describe('PairingSession recovers', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    followers.length = 0
  })
  afterEach(() => vi.useRealTimers())

  it('the service forgot a claimed pairing (restart): a fresh code, and the phone said to have gone', async () => {
    const { session, state } = setup()
    await session.start()
    followers[0].push(status('p1', 'claimed', 'Pixel 8'))
    followers[0].opts.onGone?.(401)
    await vi.advanceTimersByTimeAsync(0)
    expect(session.view).toMatchObject({ phase: 'waiting', notice: { kind: 'ended', phoneName: 'Pixel 8' } })
    expect(session.view.pairing?.pairing_id).toBe('p2')
    expect(followers[0].stopped).toBe(true)
    // The notice stays until a phone claims the new code.
    followers[1].push(status('p2', 'claimed', 'Other'))
    expect(session.view.notice).toBeUndefined()
    expect(state.created).toHaveLength(2)
    session.stop()
  })

  it('a code nobody claimed is replaced without a notice; "gone" from a follower no longer shown is ignored', async () => {
    const { session, state } = setup()
    await session.start()
    followers[0].opts.onGone?.(404)
    await vi.advanceTimersByTimeAsync(0)
    expect(session.view).toMatchObject({ phase: 'waiting', notice: undefined })
    followers[0].opts.onGone?.(404)
    await vi.advanceTimersByTimeAsync(0)
    expect(state.created).toHaveLength(2)
    session.stop()
  })

  it('a pairing the service cancelled (its QR scanned again), even mid-request, says so over a fresh code', async () => {
    const { session } = setup()
    await session.start()
    followers[0].push({ ...status('p1', 'consent_pending', 'Pixel 8'), scopes_requested: ['bluetooth'] })
    expect(session.view.phase).toBe('consent')
    followers[0].push(status('p1', 'revoked', 'Pixel 8'))
    await vi.advanceTimersByTimeAsync(0)
    expect(session.view).toMatchObject({ phase: 'waiting', notice: { kind: 'cancelled', phoneName: 'Pixel 8' } })
    expect(session.view.pairing?.pairing_id).toBe('p2')
    session.stop()
  })

  it('following out of reach: offline with the next try, cleared once the service answers', async () => {
    const { session } = setup()
    await session.start()
    followers[0].push(status('p1', 'claimed', 'Pixel 8'))
    followers[0].opts.onHealth?.({ reachable: false, retryAtMs: Date.now() + 3000 })
    expect(session.view).toMatchObject({ phase: 'claimed', offline: true, retryAtMs: Date.now() + 3000 })
    followers[0].opts.onHealth?.({ reachable: true })
    expect(session.view).toMatchObject({ phase: 'claimed', offline: false, retryAtMs: undefined })
    session.stop()
  })

  it('no code: "cannot be reached" (no answer, 5xx) or "refused" (its code), the next try in 2, 4, 8 s, then a code', async () => {
    const { session, state } = setup()
    state.down = 'network'
    await session.start()
    expect(session.view).toMatchObject({ phase: 'error', trouble: { kind: 'unreachable' }, retryAtMs: Date.now() + 2000, pairing: null })
    state.down = 'busy'
    await vi.advanceTimersByTimeAsync(2000)
    expect(session.view).toMatchObject({ trouble: { kind: 'unreachable' }, retryAtMs: Date.now() + 4000 })
    state.down = 'refused'
    await vi.advanceTimersByTimeAsync(4000)
    expect(session.view).toMatchObject({ trouble: { kind: 'refused', code: 'invalid_client' }, retryAtMs: Date.now() + 8000 })
    state.down = null
    await vi.advanceTimersByTimeAsync(8000)
    expect(session.view).toMatchObject({ phase: 'waiting', trouble: undefined, retryAtMs: undefined })
    session.stop()
  })

  it('a rotation that keeps failing gives up the old code before it expires, rather than show a dead QR', async () => {
    const { session, state } = setup()
    await session.start()
    const expiresAt = session.view.expiresAtMs
    state.down = 'network'
    await vi.advanceTimersByTimeAsync(270_000)
    expect(session.view.phase).toBe('waiting')
    await vi.advanceTimersByTimeAsync(25_000)
    expect(session.view).toMatchObject({ phase: 'error', pairing: null })
    expect(Date.now()).toBeLessThan(expiresAt)
    session.stop()
  })
})
