// The open event streams and long-poll waiters of this process. One shared heartbeat timer
// serves every open stream, so an idle connection costs only its socket and a small record.
// Each stream holds a file descriptor, so streams are counted per token and per client address
// and refused beyond the caps (a connection is a process resource: the counts are per process).
import type { ServerResponse } from 'node:http'
import { ApiError } from '../errors'

/** One open event stream: where it writes, which pairing it follows and how far it has sent. */
export interface SseConn {
  res: ServerResponse
  pairingId: string
  cursor: number
  busy: boolean
  again: boolean
  unsub: () => void
}

export interface StreamCaps {
  perToken: number
  perAddress: number
}

export class SseHub {
  private readonly conns = new Set<SseConn>()
  private readonly waiters = new Set<() => void>()
  private readonly perToken = new Map<string, number>()
  private readonly perAddress = new Map<string, number>()
  private timer: ReturnType<typeof setInterval> | undefined

  constructor(
    private readonly heartbeatMs: number,
    private readonly onTick: (pairingIds: Set<string>) => void,
    private readonly caps: StreamCaps = { perToken: Infinity, perAddress: Infinity },
  ) {}

  get size(): number {
    return this.conns.size
  }

  /**
   * Takes a stream slot for `token` (who holds it: role and pairing) from `address`, or refuses
   * with 429 `too_many_streams`. Call the returned release exactly once when the stream ends.
   */
  reserve(token: string, address: string): () => void {
    const t = this.perToken.get(token) ?? 0
    if (t >= this.caps.perToken)
      throw new ApiError(429, 'too_many_streams', `This token already holds ${this.caps.perToken} open event streams: close one before opening another.`, {
        retryAfter: 5,
      })
    const a = this.perAddress.get(address) ?? 0
    if (a >= this.caps.perAddress)
      throw new ApiError(429, 'too_many_streams', `This network address already holds ${this.caps.perAddress} open event streams: close some first.`, {
        retryAfter: 5,
      })
    this.perToken.set(token, t + 1)
    this.perAddress.set(address, a + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      decrement(this.perToken, token)
      decrement(this.perAddress, address)
    }
  }

  add(conn: SseConn): void {
    this.conns.add(conn)
    if (!this.timer) {
      this.timer = setInterval(() => this.heartbeat(), this.heartbeatMs)
      this.timer.unref()
    }
  }

  remove(conn: SseConn): void {
    if (!this.conns.delete(conn)) return
    conn.unsub()
    if (this.conns.size === 0 && this.timer) {
      clearInterval(this.timer)
      this.timer = undefined
    }
  }

  addWaiter(fn: () => void): () => void {
    this.waiters.add(fn)
    return () => this.waiters.delete(fn)
  }

  private heartbeat(): void {
    const ids = new Set<string>()
    for (const c of this.conns) {
      c.res.write(': hb\n\n')
      ids.add(c.pairingId)
    }
    this.onTick(ids)
  }

  /** Ends every stream and wakes every long-poll (shutdown). */
  closeAll(): void {
    for (const c of [...this.conns]) {
      this.remove(c)
      c.res.end()
    }
    for (const w of [...this.waiters]) w()
  }
}

function decrement(m: Map<string, number>, key: string): void {
  const n = (m.get(key) ?? 1) - 1
  if (n <= 0) m.delete(key)
  else m.set(key, n)
}
