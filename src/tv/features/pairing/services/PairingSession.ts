import type { CreatePairingResponse, Decisions, DecisionRequest, PairingStatus } from '../../../../core/protocol'
import type { PolicyDocument } from '../../../../core/policy/model'
import type { PlatformBridge } from '../../../platform/PlatformBridge'
import { randomId } from '../../../platform/PlatformBridge'
import { appLifecycle } from '../../../services/AppLifecycle'
import { ConsentHistoryStore } from './ConsentHistoryStore'
import { ConsentOutbox, type OutboxEvent } from './ConsentOutbox'
import { PairingApi } from './PairingApi'
import { PairingFollower, type FollowHealth } from './PairingFollower'
import { describeError, troubleOf, type PairNotice, type PairView } from './pairView'

export type { PairPhase, PairView, PairNotice, CodeTrouble } from './pairView'

const APP_VERSION = '0.1.0'
/** Longest wait between two tries to fetch a code: waits grow from 2 s to this. */
const CODE_RETRY_CAP_MS = 15_000
/** The code is replaced this long before it expires. */
export const ROTATE_BEFORE = 30_000

/**
 * The TV side of pairing: shows a code, rotates it before it expires, follows the pairing live,
 * and relays the viewer's decision through the persistent outbox.
 */
export class PairingSession {
  view: PairView = { phase: 'loading', pairing: null, expiresAtMs: 0 }
  private follower: PairingFollower | null = null
  private rotateTimer: ReturnType<typeof setTimeout> | null = null
  private windowTimer: ReturnType<typeof setTimeout> | null = null
  private listeners: ((v: PairView) => void)[] = []
  private active = false
  private unsubscribeOutbox: (() => void) | null = null
  private pendingKey: string | null = null
  /** Service clock minus ours (ms), from the newest code's `server_time`. */
  private clockOffset = 0
  /** Code fetches failed in a row (sets the wait before the next). */
  private codeFailures = 0

  constructor(
    private readonly api: PairingApi,
    private readonly outbox: ConsentOutbox,
    private readonly tokens: Map<string, string>,
    private readonly history: ConsentHistoryStore,
    private readonly bridge: PlatformBridge,
    private readonly policy: () => PolicyDocument,
    private readonly now: () => number = Date.now,
  ) {}

  onChange(l: (v: PairView) => void): () => void {
    this.listeners.push(l)
    return () => {
      this.listeners = this.listeners.filter((x) => x !== l)
    }
  }

  async start(): Promise<void> {
    this.active = true
    this.unsubscribeOutbox = this.outbox.on((e) => this.onOutbox(e))
    await this.newCode(false)
  }

  stop(): void {
    this.active = false
    this.follower?.stop()
    this.follower = null
    this.retirePrevious()
    if (this.rotateTimer) clearTimeout(this.rotateTimer)
    if (this.windowTimer) clearTimeout(this.windowTimer)
    this.unsubscribeOutbox?.()
    this.unsubscribeOutbox = null
  }

  /** Fetches a code; when rotating, the old one stays on screen until the new one is ready. */
  private async newCode(rotating: boolean): Promise<void> {
    if (!this.active) return
    try {
      const sentAt = this.now()
      const p = await this.api.createPairing()
      if (!this.active) return
      this.codeFailures = 0
      // The service stamped its time about halfway through the round trip.
      const offset = Date.parse(p.server_time) - (sentAt + this.now()) / 2
      this.clockOffset = offset
      const expiresAtMs = Date.parse(p.server_time) + p.expires_in * 1000 - offset
      this.retirePrevious()
      if (rotating && this.view.pairing && this.follower) {
        // A phone may have scanned the old code just before it changed: keep listening to it
        // until it expires, and switch back to it if it is claimed.
        const old = { pairing: this.view.pairing, follower: this.follower, expiresAtMs: this.view.expiresAtMs }
        this.previous = old
        this.previousTimer = setTimeout(() => this.retirePrevious(), Math.max(0, old.expiresAtMs - this.now()))
      } else {
        this.follower?.stop()
      }
      this.tokens.set(p.pairing_id, p.tv_token)
      // A notice of how the previous pairing ended stays with the fresh code, until a phone claims it.
      this.set({ phase: 'waiting', pairing: p, expiresAtMs, phoneName: undefined, scopes: undefined, decisions: undefined, error: undefined, trouble: undefined, offline: false, retryAtMs: undefined })
      this.follow(p)
      this.scheduleRotation(expiresAtMs)
    } catch (err) {
      if (!this.active) return
      const wait = Math.min(CODE_RETRY_CAP_MS, 2000 * 2 ** Math.min(this.codeFailures++, 3))
      const retryAtMs = this.now() + wait
      // Keep the current code while it still works; try again shortly.
      if (rotating && this.view.pairing && this.view.expiresAtMs - this.now() > wait + 5000) {
        this.rotateTimer = setTimeout(() => void this.newCode(true), wait)
        return
      }
      this.follower?.stop()
      this.follower = null
      this.set({ phase: 'error', pairing: null, error: describeError(err), trouble: troubleOf(err), retryAtMs, offline: false })
      this.rotateTimer = setTimeout(() => void this.newCode(false), wait)
    }
  }

  /** Follows the pairing `p`; what its follower says counts only while `p` is the one shown. */
  private follow(p: CreatePairingResponse): void {
    const follower: PairingFollower = new PairingFollower(this.api, p.pairing_id, p.tv_token, (s) => this.onStatus(s), {
      onGone: () => {
        if (this.follower === follower) this.pairingGone()
      },
      onHealth: (h) => {
        if (this.follower === follower) this.onHealth(h)
      },
    })
    this.follower = follower
    follower.start()
  }

  private onHealth(h: FollowHealth): void {
    if (!['waiting', 'claimed', 'consent'].includes(this.view.phase)) return
    if (h.reachable) {
      if (this.view.offline) this.set({ offline: false, retryAtMs: undefined })
    } else this.set({ offline: true, retryAtMs: h.retryAtMs })
  }

  /**
   * The service no longer knows the pairing shown (it restarted and lost its live state): its code
   * is dead, so a fresh one replaces it, and a phone that had claimed it is said to be gone.
   */
  private pairingGone(): void {
    const phase = this.view.phase
    if (phase !== 'waiting' && phase !== 'claimed' && phase !== 'consent') return
    this.replaceEnded(this.view.phoneName ? { kind: 'ended', phoneName: this.view.phoneName } : undefined)
  }

  /** Drops the pairing shown for a fresh code, telling (when a phone was in it) why it ended. */
  private replaceEnded(notice: PairNotice | undefined): void {
    if (this.windowTimer) clearTimeout(this.windowTimer)
    if (this.rotateTimer) clearTimeout(this.rotateTimer)
    this.follower?.stop()
    this.follower = null
    this.retirePrevious()
    this.set({ phase: 'loading', pairing: null, phoneName: undefined, scopes: undefined, decisions: undefined, offline: false, retryAtMs: undefined, notice: notice ?? this.view.notice })
    void this.newCode(false)
  }

  private scheduleRotation(expiresAtMs: number) {
    if (this.rotateTimer) clearTimeout(this.rotateTimer)
    const inMs = Math.max(1000, expiresAtMs - ROTATE_BEFORE - this.now())
    // Hidden, no code is minted: the rotation waits until the viewer is back.
    this.rotateTimer = setTimeout(() => appLifecycle().whenVisible(() => {
      if (this.view.phase === 'waiting') void this.newCode(true)
    }), inMs)
  }

  private previous: { pairing: CreatePairingResponse; follower: PairingFollower; expiresAtMs: number } | null = null
  private previousTimer: ReturnType<typeof setTimeout> | null = null

  private retirePrevious() {
    if (this.previousTimer) clearTimeout(this.previousTimer)
    this.previousTimer = null
    this.previous?.follower.stop()
    this.previous = null
  }

  private onStatus(s: PairingStatus) {
    if (!this.active) return
    const prev = this.previous
    if (prev && s.pairing_id === prev.pairing.pairing_id && s.state === 'claimed') {
      // The old code was claimed: show that pairing again and drop the newer, unused one.
      this.follower?.stop()
      this.follower = prev.follower
      this.previous = null
      if (this.previousTimer) clearTimeout(this.previousTimer)
      this.set({ pairing: prev.pairing, expiresAtMs: prev.expiresAtMs })
    }
    if (s.pairing_id !== this.view.pairing?.pairing_id) return
    switch (s.state) {
      case 'claimed':
        if (this.rotateTimer) clearTimeout(this.rotateTimer)
        this.set({ phase: 'claimed', phoneName: s.phone?.name, notice: undefined })
        break
      case 'consent_pending': {
        if (this.view.phase !== 'waiting' && this.view.phase !== 'claimed') return
        // The service's deadline, on our clock: the phone counts down to the same moment.
        const decideByMs = Date.parse(s.decision_deadline ?? s.expires_at) - this.clockOffset
        this.set({ phase: 'consent', phoneName: s.phone?.name, scopes: s.scopes_requested ?? [], decideByMs })
        if (this.windowTimer) clearTimeout(this.windowTimer)
        this.windowTimer = setTimeout(() => this.windowClosed(), Math.max(0, decideByMs - this.now()))
        break
      }
      case 'expired':
        if (this.view.phase === 'waiting' || this.view.phase === 'claimed') this.replaceEnded(undefined)
        else if (this.view.phase === 'consent') this.windowClosed()
        break
      case 'revoked': {
        // The service cancels a pairing whose QR code (or code) was used a second time: say so.
        if (!['waiting', 'claimed', 'consent'].includes(this.view.phase)) break
        const phoneName = s.phone?.name ?? this.view.phoneName
        this.replaceEnded(phoneName ? { kind: 'cancelled', phoneName } : undefined)
        break
      }
      default:
        break
    }
  }

  /**
   * The decision deadline passed unanswered: the request is over and nothing was granted. Nothing
   * is sent (the service ends the request at the same moment and tells the phone), so no answer
   * the viewer did not give is recorded.
   */
  private windowClosed() {
    if (this.view.phase !== 'consent') return
    if (this.windowTimer) clearTimeout(this.windowTimer)
    this.set({ phase: 'window-closed' })
  }

  /** Records the viewer's answer: written to the outbox (storage) before anything is sent. */
  decide(decisions: Decisions): void {
    const p = this.view.pairing
    if (!p || this.view.phase !== 'consent') return
    if (this.windowTimer) clearTimeout(this.windowTimer)
    const doc = this.policy()
    const body: DecisionRequest = {
      decisions,
      notice: { policy_id: doc.id, policy_version: doc.version, locale: doc.locale, policy_sha256: doc.sha256 },
      screen_id: 'tv-consent-overlay',
      app_version: APP_VERSION,
      firmware_version: this.bridge.identity().firmwareVersion,
      device_time: new Date(this.now()).toISOString(),
    }
    if (!body.firmware_version) delete body.firmware_version
    const key = `d-${randomId(16)}`
    this.pendingKey = key
    this.set({ phase: 'sending', decisions, retrying: false })
    this.outbox.enqueue({ id: key, kind: 'decision', pairingId: p.pairing_id, body, meta: { phoneName: this.view.phoneName ?? '', policyVersion: doc.version } })
  }

  private onOutbox(e: OutboxEvent) {
    if (e.entry.id !== this.pendingKey) return
    if (e.type === 'retrying') {
      this.set({ retrying: true })
      return
    }
    if (e.type !== 'delivered' && e.type !== 'final') return
    // The pairing is over either way: stop following it.
    this.follower?.stop()
    this.follower = null
    if (e.type === 'delivered') {
      this.set({ phase: 'recorded', retrying: false })
    } else {
      this.set({ phase: 'not-recorded', retrying: false, error: e.code })
    }
  }

  /** After an outcome: offer a fresh code for another phone. */
  restart(): void {
    if (!this.active) return
    this.set({ phase: 'loading', pairing: null, phoneName: undefined, scopes: undefined, decisions: undefined, error: undefined, notice: undefined })
    void this.newCode(false)
  }

  private set(change: Partial<PairView>) {
    this.view = { ...this.view, ...change }
    this.listeners.forEach((l) => l(this.view))
  }
}
