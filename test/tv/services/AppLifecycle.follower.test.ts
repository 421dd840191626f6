// @vitest-environment jsdom
// The pairing follower joins the app's lifecycle: hidden, its event stream is closed and nothing
// is requested; visible again, it re-reads the status once, then reopens the stream from the last
// event it saw.
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { PairingStatus } from '../../../src/core/protocol'
import type { PairingApi } from '../../../src/tv/features/pairing/services/PairingApi'
import { PairingFollower } from '../../../src/tv/features/pairing/services/PairingFollower'
import { appLifecycle, type VisibilityDocument } from '../../../src/tv/services/AppLifecycle'

const status = (event_id: number, state: PairingStatus['state']): PairingStatus => ({
  pairing_id: 'p1',
  state,
  expires_at: new Date(Date.now() + 300_000).toISOString(),
  server_time: new Date().toISOString(),
  interval: 5,
  event_id,
  tv: { name: 'TV' },
})

function fakeDocument() {
  const listeners = new Map<string, () => void>()
  const doc: VisibilityDocument & { hidden: boolean } = {
    hidden: false,
    addEventListener: (t, l) => listeners.set(t, l),
    removeEventListener: (t) => listeners.delete(t),
  }
  return { doc, set: (hidden: boolean) => ((doc.hidden = hidden), listeners.get('visibilitychange')?.()) }
}

/** An event stream that sends `first` and stays open until aborted. */
function streamingFetch(first: PairingStatus) {
  const opened: { headers: Record<string, string>; signal: AbortSignal }[] = []
  const fetch = vi.fn(async (_url: string, init: { headers: Record<string, string>; signal: AbortSignal }) => {
    opened.push(init)
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        // A resumed stream (Last-Event-ID) has nothing newer to replay here.
        if (!init.headers['last-event-id']) c.enqueue(new TextEncoder().encode(`id: ${first.event_id}\ndata: ${JSON.stringify({ status: first })}\n\n`))
        init.signal.addEventListener('abort', () => c.error(new DOMException('aborted', 'AbortError')))
      },
    })
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } })
  })
  return { fetch, opened }
}

const until = async (what: string, pred: () => boolean) => {
  for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 5))
  if (!pred()) throw new Error(`timed out waiting for ${what}`)
}

let detach: (() => void) | null = null
afterEach(() => {
  detach?.()
  vi.unstubAllGlobals()
})

describe('PairingFollower and the app lifecycle', () => {
  it('closes the stream while hidden, then re-reads the status and reopens from the last event', async () => {
    const { doc, set } = fakeDocument()
    detach = appLifecycle().attach(doc)
    const { fetch, opened } = streamingFetch(status(3, 'created'))
    vi.stubGlobal('fetch', fetch)
    const waitStatus = vi.fn(async () => status(5, 'claimed'))
    const api = { baseUrl: 'http://svc', waitStatus } as unknown as PairingApi
    const seen: string[] = []
    const follower = new PairingFollower(api, 'p1', 'tok', (s) => seen.push(`${s.event_id}:${s.state}`))
    follower.start()
    await until('the first event', () => seen.length === 1)
    expect(opened).toHaveLength(1)

    set(true)
    expect(opened[0].signal.aborted).toBe(true)
    await new Promise((r) => setTimeout(r, 100))
    expect(opened).toHaveLength(1)
    expect(waitStatus).not.toHaveBeenCalled()

    set(false)
    await until('the stream reopened', () => opened.length === 2)
    // One plain status read (wait 0) after the last event seen, before the stream.
    expect(waitStatus).toHaveBeenCalledTimes(1)
    expect(waitStatus).toHaveBeenCalledWith('p1', 'tok', 3, 0)
    expect(seen).toEqual(['3:created', '5:claimed'])
    expect(opened[1].headers['last-event-id']).toBe('5')
    follower.stop()
    expect(opened[1].signal.aborted).toBe(true)
  })

  it('a follower started while hidden opens nothing until the app is visible', async () => {
    const { doc, set } = fakeDocument()
    doc.hidden = true
    detach = appLifecycle().attach(doc)
    const { fetch, opened } = streamingFetch(status(1, 'created'))
    vi.stubGlobal('fetch', fetch)
    const api = { baseUrl: 'http://svc', waitStatus: vi.fn(async () => status(1, 'created')) } as unknown as PairingApi
    const follower = new PairingFollower(api, 'p1', 'tok', () => {})
    follower.start()
    await new Promise((r) => setTimeout(r, 50))
    expect(opened).toHaveLength(0)
    set(false)
    await until('the stream opened', () => opened.length === 1)
    follower.stop()
  })
})
