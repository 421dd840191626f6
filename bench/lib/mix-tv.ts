// One TV of the capacity mix, as the TV app behaves: its own keep-alive connection, an event
// stream following its current pairing, a status poll one interval after each answer, and a
// new code every `rotateS` (and after each phone it paired with).
import { Client, type Pool } from 'undici'
import type { EventStream } from './event-stream'
import type { Req } from './load'
import { createPairing, parseCreated, statusPoll, type CreatedPairing, type Device } from './protocol-requests'

export interface MixProfile {
  /** Seconds between a TV's new codes (the code rotates before the 300 s expiry). */
  rotateS: number
  /** A phone pairs with each TV once per this many seconds, on average. */
  pairEveryS: number
  /** A push (event) not seen this long after the request that causes it is an error. */
  pushTimeoutMs: number
}

export const OPS = ['poll', 'create', 'stream', 'claim', 'provision', 'decision'] as const
export type Op = (typeof OPS)[number]

export interface Answer {
  status: number
  body: string
}

/** What a TV needs from the mix it belongs to. */
export interface TvHost {
  readonly origin: string
  /** The service's signing host. */
  readonly host: string
  readonly profile: MixProfile
  readonly stopped: boolean
  request(op: Op, via: Client | Pool, req: Req, expect: number, readBody?: boolean): Promise<Answer | undefined>
  follow(pairingId: string, bearer: string, onEvent: (type: string) => void): Promise<EventStream | undefined>
}

/** True once `p` settles, false when `ms` pass first. */
export function within(p: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms)
    void p.then(() => {
      clearTimeout(timer)
      resolve(true)
    })
  })
}

export class Tv {
  readonly client: Client
  pairing?: CreatedPairing
  stream?: EventStream
  busy = false
  private timers: NodeJS.Timeout[] = []
  private waiters = new Map<string, () => void>()

  constructor(
    readonly mix: TvHost,
    readonly device: Device,
  ) {
    this.client = new Client(mix.origin, { pipelining: 1, keepAliveTimeout: 30_000 })
  }

  /** A new code and a stream that follows it (the old stream closes). */
  async pair(): Promise<boolean> {
    this.stream?.close()
    this.stream = undefined
    const a = await this.mix.request('create', this.client, createPairing(this.device, this.mix.host), 201)
    if (!a) return false
    const p = parseCreated(a.body)
    this.pairing = p
    this.stream = await this.mix.follow(p.id, p.tvToken, (type) => this.waiters.get(type)?.())
    return this.stream !== undefined
  }

  /** Resolves when this TV's stream shows `type`, false on timeout. */
  waitFor(type: string): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(type)
        resolve(false)
      }, this.mix.profile.pushTimeoutMs)
      this.waiters.set(type, () => {
        clearTimeout(timer)
        this.waiters.delete(type)
        resolve(true)
      })
    })
  }

  start(firstPollMs: number, firstRotateMs: number): void {
    this.later(firstPollMs, () => this.poll())
    this.later(firstRotateMs, () => this.rotate())
  }

  private later(ms: number, fn: () => Promise<void>): void {
    const t = setTimeout(() => {
      this.timers = this.timers.filter((x) => x !== t)
      if (!this.mix.stopped) void fn()
    }, ms)
    this.timers.push(t)
  }

  private async poll(): Promise<void> {
    const p = this.pairing
    if (p) await this.mix.request('poll', this.client, statusPoll(p.id, p.tvToken), 200, false)
    // The next poll one interval after this answer, as a device-flow client waits.
    this.later((p?.interval ?? 5) * 1000, () => this.poll())
  }

  private async rotate(): Promise<void> {
    if (this.busy) return this.later(1000, () => this.rotate())
    this.busy = true
    await this.pair()
    this.busy = false
    this.later(this.mix.profile.rotateS * 1000, () => this.rotate())
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t)
    this.timers = []
    this.stream?.close()
    void this.client.close().catch(() => undefined)
  }
}
