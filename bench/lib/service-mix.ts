// The capacity mix: N live TVs against one service process, each as the TV app behaves. A TV
// holds its own keep-alive connection and an event stream, polls its status at the interval the
// service gave it, and asks for a new code every `rotateS`. Phones pair at a steady rate: QR
// claim, provisioning request, the TV's signed decision when its stream shows the request, and
// the phone's stream showing the decision. Every request and every push is timed.
import { Pool, type Client } from 'undici'
import { openEventStream, type EventStream } from './event-stream'
import type { Req } from './load'
import { OPS, Tv, within, type Answer, type MixProfile, type Op, type TvHost } from './mix-tv'
import { provisioningRequest, qrClaim, signedDecision, type CreatedPairing, type Device } from './protocol-requests'

export { OPS, type MixProfile, type Op } from './mix-tv'

export interface WindowStats {
  seconds: number
  counts: Record<Op, number>
  /** Milliseconds per request (and per stream open, until its first event), by operation. */
  latencies: Record<Op, number[]>
  /** Milliseconds from the request to the event it causes on the other side's stream. */
  push: number[]
  errors: number
  /** Errors by operation and answer, e.g. `poll 429`. */
  errorKinds: Record<string, number>
}

function emptyWindow(): WindowStats {
  const counts = {} as Record<Op, number>
  const latencies = {} as Record<Op, number[]>
  for (const op of OPS) {
    counts[op] = 0
    latencies[op] = []
  }
  return { seconds: 0, counts, latencies, push: [], errors: 0, errorKinds: {} }
}

export interface MixOptions {
  port: number
  /** The service's signing host (`localhost:PORT` for its default public URL). */
  host: string
  /** One credential per TV: the mix holds at most this many TVs. */
  devices: Device[]
  profile: MixProfile
}

export class ServiceMix implements TvHost {
  readonly origin: string
  readonly host: string
  readonly profile: MixProfile
  stopped = false
  private readonly tvs: Tv[] = []
  private readonly phones: Pool
  private window = emptyWindow()
  private windowStart = 0
  private pairTimer?: NodeJS.Timeout
  private pairCarry = 0
  /** Errors since the last takeErrors() (ramp-up included). */
  private errorCount = 0
  private errorKinds: Record<string, number> = {}

  constructor(private readonly o: MixOptions) {
    this.origin = `http://127.0.0.1:${o.port}`
    this.host = o.host
    this.profile = o.profile
    this.phones = new Pool(this.origin, { connections: 32, pipelining: 1 })
  }

  get size(): number {
    return this.tvs.length
  }

  /** Brings the mix to `n` live TVs, `concurrency` TVs starting at a time; false if any failed. */
  async grow(n: number, concurrency = 32): Promise<boolean> {
    if (n > this.o.devices.length) throw new Error(`grow(${n}): only ${this.o.devices.length} device credentials`)
    let next = this.tvs.length
    let ok = true
    const worker = async () => {
      while (next < n && !this.stopped) {
        const tv = new Tv(this, this.o.devices[next++])
        this.tvs.push(tv)
        if (!(await tv.pair())) ok = false
        // Polls and code changes spread over their periods, as TVs switched on at random times.
        tv.start(Math.random() * (tv.pairing?.interval ?? 5) * 1000, Math.random() * this.profile.rotateS * 1000)
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker))
    this.pairTimer ??= setInterval(() => this.startPairings(0.1), 100)
    return ok
  }

  startWindow(): void {
    this.window = emptyWindow()
    this.windowStart = performance.now()
  }

  endWindow(): WindowStats {
    const w = this.window
    w.seconds = (performance.now() - this.windowStart) / 1000
    this.window = emptyWindow()
    return w
  }

  /** Errors counted since the last call, window or not (ramp-ups included). */
  takeErrors(): { count: number; kinds: Record<string, number> } {
    const r = { count: this.errorCount, kinds: this.errorKinds }
    this.errorCount = 0
    this.errorKinds = {}
    return r
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearInterval(this.pairTimer)
    for (const tv of this.tvs) tv.stop()
    await this.phones.close().catch(() => undefined)
  }

  /** Sends one request; the answer when its status is `expect`, else counts an error. */
  async request(op: Op, via: Client | Pool, req: Req, expect: number, readBody = true): Promise<Answer | undefined> {
    const t0 = performance.now()
    try {
      const res = await via.request({ method: req.method, path: req.path, headers: req.headers, body: req.body })
      const body = readBody || res.statusCode !== expect ? await res.body.text() : (await res.body.dump(), '')
      this.timed(op, performance.now() - t0)
      if (res.statusCode === expect) return { status: res.statusCode, body }
      this.fail(`${op} ${res.statusCode} ${/"error":"([a-z_]+)"/.exec(body)?.[1] ?? ''}`.trim())
    } catch (e) {
      this.fail(`${op} ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
    }
    return undefined
  }

  /** Opens an event stream and resolves once its first event (the status snapshot) arrived. */
  follow(pairingId: string, bearer: string, onEvent: (type: string) => void): Promise<EventStream | undefined> {
    const t0 = performance.now()
    return new Promise((resolve) => {
      let open = false
      const s = openEventStream(this.o.port, `/v1/pairings/${pairingId}/events`, bearer, {
        onEvent: (type) => {
          if (!open) {
            open = true
            this.timed('stream', performance.now() - t0)
            resolve(s)
          }
          onEvent(type)
        },
        onEnd: (reason) => {
          if (this.stopped) return
          this.fail(`stream ${reason}`)
          if (!open) resolve(undefined)
        },
      })
    })
  }

  private timed(op: Op, ms: number): void {
    this.window.counts[op]++
    this.window.latencies[op].push(ms)
  }

  private fail(kind: string): void {
    this.window.errors++
    this.window.errorKinds[kind] = (this.window.errorKinds[kind] ?? 0) + 1
    this.errorCount++
    this.errorKinds[kind] = (this.errorKinds[kind] ?? 0) + 1
  }

  /** Starts the phone pairings due in the last `dtS` seconds, each with an idle TV. */
  private startPairings(dtS: number): void {
    this.pairCarry += (this.tvs.length / this.profile.pairEveryS) * dtS
    while (this.pairCarry >= 1) {
      this.pairCarry--
      for (let tries = 0; tries < 8; tries++) {
        const tv = this.tvs[Math.floor(Math.random() * this.tvs.length)]
        if (!tv.busy && tv.pairing && tv.stream && !tv.stream.closed) {
          void this.phonePairs(tv)
          break
        }
      }
    }
  }

  private async phonePairs(tv: Tv): Promise<void> {
    const p = tv.pairing as CreatedPairing
    tv.busy = true
    let phoneStream: EventStream | undefined
    try {
      const claim = await this.request('claim', this.phones, qrClaim(p.qrToken), 201)
      if (!claim) return
      const phoneToken = (JSON.parse(claim.body) as { phone_token: string }).phone_token
      let decided: () => void = () => undefined
      const decidedSeen = new Promise<void>((r) => (decided = r))
      phoneStream = await this.follow(p.id, phoneToken, (type) => type === 'decided' && decided())
      if (!phoneStream) return
      const asked = tv.waitFor('consent_requested')
      const t0 = performance.now()
      if (!(await this.request('provision', this.phones, provisioningRequest(p.id, phoneToken), 202))) return
      if (!(await asked)) return this.fail('push consent_requested timed out')
      this.window.push.push(performance.now() - t0)
      const t1 = performance.now()
      if (!(await this.request('decision', tv.client, signedDecision(tv.device, this.host, p.id), 201))) return
      if (!(await within(decidedSeen, this.profile.pushTimeoutMs))) return this.fail('push decided timed out')
      this.window.push.push(performance.now() - t1)
    } finally {
      phoneStream?.close()
      // A paired TV shows a new code for the next phone.
      if (!this.stopped) await tv.pair()
      tv.busy = false
    }
  }
}
