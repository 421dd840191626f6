// The open event streams and long-poll waiters of this process. One shared heartbeat timer
// serves every open stream, so an idle connection costs only its socket and a small record.
import type { ServerResponse } from 'node:http'

/** One open event stream: where it writes, which pairing it follows and how far it has sent. */
export interface SseConn {
  res: ServerResponse
  pairingId: string
  cursor: number
  busy: boolean
  again: boolean
  unsub: () => void
}

export class SseHub {
  private readonly conns = new Set<SseConn>()
  private readonly waiters = new Set<() => void>()
  private timer: ReturnType<typeof setInterval> | undefined

  constructor(
    private readonly heartbeatMs: number,
    private readonly onTick: (pairingIds: Set<string>) => void,
  ) {}

  get size(): number {
    return this.conns.size
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
