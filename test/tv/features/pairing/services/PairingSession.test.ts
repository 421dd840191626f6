import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { CreatePairingResponse, PairingStatus } from '../../../../../src/core/protocol'
import type { PolicyDocument } from '../../../../../src/core/policy/model'
import { ConsentHistoryStore } from '../../../../../src/tv/features/pairing/services/ConsentHistoryStore'
import { ConsentOutbox, type OutboxEntry } from '../../../../../src/tv/features/pairing/services/ConsentOutbox'
import { MemoryStore } from '../../../../../src/tv/services/KeyValueStore'
import type { PairingApi } from '../../../../../src/tv/features/pairing/services/PairingApi'
import { PairingSession } from '../../../../../src/tv/features/pairing/services/PairingSession'
import type { PlatformBridge } from '../../../../../src/tv/platform/PlatformBridge'

// The follower is replaced by a handle the test drives: statuses arrive when the test says.
const followers: { id: string; push: (s: PairingStatus) => void; stopped: boolean }[] = []
vi.mock('../../../../../src/tv/features/pairing/services/PairingFollower', () => ({
  PairingFollower: class {
    rec: { id: string; push: (s: PairingStatus) => void; stopped: boolean }
    constructor(_api: unknown, id: string, _token: string, onStatus: (s: PairingStatus) => void) {
      this.rec = { id, push: onStatus, stopped: false }
      followers.push(this.rec)
    }
    start() {}
    stop() {
      this.rec.stopped = true
    }
  },
}))

const doc = { id: 'miitee-privacy-policy', version: '2024-02-29', locale: 'zh-CN', sha256: 'a'.repeat(64), sections: [] } as unknown as PolicyDocument

function fakeApi(now: () => number) {
  let n = 0
  const created: CreatePairingResponse[] = []
  const sent: OutboxEntry[] = []
  const api = {
    baseUrl: '',
    async createPairing(): Promise<CreatePairingResponse> {
      n++
      const p: CreatePairingResponse = {
        pairing_id: `p_${String(n).padStart(22, '0')}`,
        qr_url: `HTTP://TV/P/${'A'.repeat(25)}${n}`,
        user_code: `BCDF-GHJ${n}`,
        verification_uri: 'http://tv/link',
        verification_uri_complete: 'http://tv/link',
        tv_token: `tok${n}`,
        expires_in: 300,
        interval: 5,
        server_time: new Date(now()).toISOString(),
      }
      created.push(p)
      return p
    },
  }
  return { api: api as unknown as PairingApi, created, sent }
}

const status = (id: string, state: PairingStatus['state'], extra: Partial<PairingStatus> = {}): PairingStatus => ({
  pairing_id: id,
  state,
  expires_at: new Date().toISOString(),
  server_time: new Date().toISOString(),
  interval: 5,
  event_id: 1,
  tv: { name: 'TV' },
  ...extra,
})

describe('PairingSession', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    followers.length = 0
  })
  afterEach(() => vi.useRealTimers())

  /** `serviceAheadMs`: how far the service's clock is ahead of the TV's. */
  function setup(serviceAheadMs = 0) {
    const store = new MemoryStore()
    const { api, created } = fakeApi(() => Date.now() + serviceAheadMs)
    const sent: OutboxEntry[] = []
    const outbox = new ConsentOutbox(store, {
      async send(e) {
        sent.push(e)
        return { outcome: 'delivered', status: 201, body: { receipt_id: 'r1', pairing_id: e.pairingId, state: 'granted', decisions: (e.body as { decisions: object }).decisions, recorded_at: new Date().toISOString(), ledger_hash: 'h' } }
      },
    })
    const bridge = { identity: () => ({ id: 'dev', name: 'TV', firmwareVersion: 'fw1' }), storage: () => store, provisioningAuthorized: vi.fn() } as unknown as PlatformBridge
    const session = new PairingSession(api, outbox, new Map(), new ConsentHistoryStore(store), bridge, () => doc)
    return { session, created, sent, store }
  }

  it('rotates the code 30 s before expiry, keeping the old one on screen until the new one arrives', async () => {
    const { session, created } = setup()
    await session.start()
    expect(session.view.phase).toBe('waiting')
    expect(session.view.pairing?.user_code).toBe('BCDF-GHJ1')
    await vi.advanceTimersByTimeAsync(269_000)
    expect(created).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(created).toHaveLength(2)
    expect(session.view.phase).toBe('waiting')
    expect(session.view.pairing?.user_code).toBe('BCDF-GHJ2')
    // The old code stays valid for 30 s: it is still followed, in case a phone scanned it just now.
    expect(followers[0].stopped).toBe(false)
    await vi.advanceTimersByTimeAsync(30_000)
    expect(followers[0].stopped).toBe(true)
    session.stop()
  })

  it('switches back to the old code when a phone claims it right after the rotation', async () => {
    const { session, created } = setup()
    await session.start()
    await vi.advanceTimersByTimeAsync(270_000)
    expect(session.view.pairing?.user_code).toBe('BCDF-GHJ2')
    followers[0].push(status(created[0].pairing_id, 'claimed', { phone: { name: 'Late phone' } }))
    expect(session.view).toMatchObject({ phase: 'claimed', phoneName: 'Late phone' })
    expect(session.view.pairing?.pairing_id).toBe(created[0].pairing_id)
    expect(followers[1].stopped).toBe(true)
    session.stop()
  })

  it('does not rotate once a phone has claimed the code', async () => {
    const { session, created } = setup()
    await session.start()
    followers[0].push(status(created[0].pairing_id, 'claimed', { phone: { name: 'Pixel' } }))
    expect(session.view).toMatchObject({ phase: 'claimed', phoneName: 'Pixel' })
    await vi.advanceTimersByTimeAsync(290_000)
    expect(created).toHaveLength(1)
    session.stop()
  })

  it('relays the decision through the outbox with the notice of the policy shown', async () => {
    const { session, created, sent } = setup()
    await session.start()
    followers[0].push(status(created[0].pairing_id, 'consent_pending', { phone: { name: 'Pixel' }, scopes_requested: ['bluetooth', 'location'] }))
    expect(session.view.phase).toBe('consent')
    session.decide({ bluetooth: 'granted', location: 'denied' })
    expect(session.view.phase).toBe('sending')
    await vi.advanceTimersByTimeAsync(0)
    expect(sent).toHaveLength(1)
    expect(sent[0].body).toMatchObject({
      decisions: { bluetooth: 'granted', location: 'denied' },
      notice: { policy_id: doc.id, policy_version: doc.version, policy_sha256: doc.sha256, locale: 'zh-CN' },
      screen_id: 'tv-consent-overlay',
      firmware_version: 'fw1',
    })
    expect(sent[0].id).toMatch(/^d-[0-9a-f]{32}$/)
    expect(session.view.phase).toBe('recorded')
    session.stop()
  })

  it("counts down to the service's decision deadline on the TV's clock, and at it ends the request with nothing sent", async () => {
    // The service's clock runs 40 s ahead; its deadline is 900 s after its own now.
    const { session, created, sent, store } = setup(40_000)
    await session.start()
    const serviceNow = Date.now() + 40_000
    followers[0].push(
      status(created[0].pairing_id, 'consent_pending', { scopes_requested: ['network', 'location'], decision_deadline: new Date(serviceNow + 900_000).toISOString(), expires_at: new Date(serviceNow + 900_000).toISOString() }),
    )
    expect(session.view.phase).toBe('consent')
    expect(session.view.decideByMs).toBe(Date.now() + 900_000)
    await vi.advanceTimersByTimeAsync(900_000 - 1)
    expect(session.view.phase).toBe('consent')
    await vi.advanceTimersByTimeAsync(1)
    expect(session.view.phase).toBe('window-closed')
    await vi.advanceTimersByTimeAsync(10_000)
    // No answer the viewer did not give is sent or kept.
    expect(sent).toHaveLength(0)
    expect(store.get('consent-outbox')).toBeNull()
    session.stop()
  })

  it("ends the request when the service says it expired, even before the TV's own timer", async () => {
    const { session, created, sent } = setup()
    await session.start()
    const deadline = new Date(Date.now() + 600_000).toISOString()
    followers[0].push(status(created[0].pairing_id, 'consent_pending', { scopes_requested: ['bluetooth'], decision_deadline: deadline, expires_at: deadline }))
    expect(session.view.phase).toBe('consent')
    followers[0].push(status(created[0].pairing_id, 'expired', { scopes_requested: ['bluetooth'] }))
    expect(session.view.phase).toBe('window-closed')
    // A status replayed afterwards does not reopen it.
    followers[0].push(status(created[0].pairing_id, 'consent_pending', { scopes_requested: ['bluetooth'], decision_deadline: deadline, expires_at: deadline }))
    expect(session.view.phase).toBe('window-closed')
    await vi.advanceTimersByTimeAsync(700_000)
    expect(sent).toHaveLength(0)
    session.stop()
  })
})
