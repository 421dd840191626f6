// A server-sent events parser (the WHATWG "event stream interpretation" rules) for streams read
// with fetch: EventSource cannot send the Authorization header the service requires.

export interface SseMessage {
  /** Event type; "message" when the stream named none. */
  event: string
  data: string
  /** The last event id seen so far (carried over between events, as EventSource does). */
  lastEventId: string
}

export class SseParser {
  private buffer = ''
  private data: string[] = []
  private event = ''
  private sawCr = false
  lastEventId = ''
  /** Reconnection time the stream asked for (`retry:`), in ms. */
  retryMs: number | undefined
  /** Comment lines seen (heartbeats). */
  comments = 0

  /** Feeds decoded text; returns the events completed by it. */
  feed(chunk: string): SseMessage[] {
    const out: SseMessage[] = []
    let text = chunk
    // A CRLF split across chunks: the LF belongs to the CR already handled.
    if (this.sawCr && text.startsWith('\n')) text = text.slice(1)
    this.sawCr = false
    this.buffer += text
    let start = 0
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer.charCodeAt(i)
      if (c !== 10 && c !== 13) continue
      const line = this.buffer.slice(start, i)
      if (c === 13) {
        if (i + 1 < this.buffer.length) {
          if (this.buffer.charCodeAt(i + 1) === 10) i++
        } else this.sawCr = true
      }
      start = i + 1
      const ev = this.line(line)
      if (ev) out.push(ev)
    }
    this.buffer = this.buffer.slice(start)
    return out
  }

  private line(line: string): SseMessage | null {
    if (line === '') {
      if (this.data.length === 0) {
        this.event = ''
        return null
      }
      const ev: SseMessage = { event: this.event || 'message', data: this.data.join('\n'), lastEventId: this.lastEventId }
      this.data = []
      this.event = ''
      return ev
    }
    if (line.charCodeAt(0) === 58 /* : */) {
      this.comments++
      return null
    }
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    let value = colon < 0 ? '' : line.slice(colon + 1)
    if (value.charCodeAt(0) === 32) value = value.slice(1)
    switch (field) {
      case 'event':
        this.event = value
        break
      case 'data':
        this.data.push(value)
        break
      case 'id':
        if (value.indexOf('\0') < 0) this.lastEventId = value
        break
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value)
        break
    }
    return null
  }
}
