// One server-sent-event stream over a raw socket (the lightest client, so thousands fit in the
// load generator): reports each `event:` type as it arrives and how the stream ended.
import net from 'node:net'

export interface EventStream {
  close(): void
  readonly closed: boolean
}

export interface EventStreamHandlers {
  /** Each event's type (`status` first: the snapshot sent on connect). */
  onEvent(type: string): void
  /** The stream ended without close(): refused (status line), cut, or ended by the service. */
  onEnd(reason: string): void
}

const EVENT = 'event: '

/** Scans stream text for `event: <type>` lines; keeps what a chunk boundary may have cut. */
export class EventScanner {
  private rest = ''
  constructor(private readonly onEvent: (type: string) => void) {}

  push(text: string): void {
    let buf = this.rest + text
    for (;;) {
      const at = buf.indexOf(EVENT)
      if (at < 0) {
        this.rest = buf.slice(-(EVENT.length - 1))
        return
      }
      const end = buf.indexOf('\n', at)
      if (end < 0) {
        this.rest = buf.slice(at)
        return
      }
      this.onEvent(buf.slice(at + EVENT.length, end).trim())
      buf = buf.slice(end)
    }
  }
}

export function openEventStream(port: number, path: string, bearer: string, h: EventStreamHandlers): EventStream {
  const s = net.connect({ host: '127.0.0.1', port })
  s.setNoDelay(true)
  let head = true
  let closed = false
  let ended = false
  const end = (reason: string) => {
    if (closed || ended) return
    ended = true
    s.destroy()
    h.onEnd(reason)
  }
  const scanner = new EventScanner((t) => h.onEvent(t))
  s.on('data', (d: Buffer) => {
    const text = d.toString('latin1')
    if (head) {
      head = false
      if (!text.startsWith('HTTP/1.1 200')) return end(`refused: ${text.slice(0, text.indexOf('\r\n'))}`)
    }
    scanner.push(text)
  })
  s.on('error', (e) => end(`socket: ${(e as NodeJS.ErrnoException).code ?? e.message}`))
  s.on('close', () => end('closed by the service'))
  s.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\nAuthorization: Bearer ${bearer}\r\n\r\n`)
  return {
    close() {
      closed = true
      s.destroy()
    },
    get closed() {
      return closed || ended
    },
  }
}
