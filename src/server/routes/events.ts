// Server-sent events for the waiting sides (Last-Event-ID resume, heartbeats, `retry:` hint)
// and the long-poll wait. One shared heartbeat timer serves every open stream, so an idle
// connection costs only its socket and a small record.
import type { ServerResponse } from 'node:http'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { PairingParamsSchema, PATHS } from '../../core/protocol'
import type { AppContext } from '../context'
import { ApiError } from '../errors'
import type { StoredEvent } from '../storage/live'

interface SseConn {
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

function frame(e: StoredEvent): string {
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${e.data}\n\n`
}

/** Resolves when the pairing has an event newer than `after`, after `ms`, or when the client leaves. */
export function waitForChange(ctx: AppContext, reply: FastifyReply, pairingId: string, after: number, ms: number): Promise<void> {
  return new Promise((resolve) => {
    let done = false
    const finish = () => {
      if (done) return
      done = true
      clearTimeout(timer)
      unsub()
      unwait()
      reply.raw.off('close', finish)
      resolve()
    }
    const check = () => {
      void ctx.live.events(pairingId, after).then(
        (evs) => evs.length > 0 && finish(),
        () => finish(),
      )
    }
    const timer = setTimeout(finish, ms)
    const unsub = ctx.live.subscribe(pairingId, check)
    const unwait = ctx.hub.addWaiter(finish)
    reply.raw.once('close', finish)
    check()
  })
}

export default async function eventRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { ctx } = opts
  app.get<{ Params: { pairing_id: string } }>(
    PATHS.events(':pairing_id'),
    {
      schema: {
        summary: 'Follow a pairing as server-sent events',
        description:
          'TV or phone token. Events: `status` (snapshot on connect), `claimed`, `consent_requested`, `decided`, `withdrawn`, `expired`, `revoked`; ' +
          'each `data` is `{ type, status }`. Send `Last-Event-ID` to resume; comments `: hb` are heartbeats.',
        tags: ['pairing'],
        params: PairingParamsSchema,
        security: [{ tvToken: [] }, { phoneToken: [] }],
        response: { 200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } } },
      },
    },
    async (req: FastifyRequest<{ Params: { pairing_id: string } }>, reply) => {
      const id = req.params.pairing_id
      await ctx.svc.authenticate(req.headers.authorization, id, ['tv', 'phone'])
      const rec = await ctx.svc.load(id)
      const rawLast = req.headers['last-event-id']
      const lastHeader = Array.isArray(rawLast) ? rawLast[0] : rawLast
      if (lastHeader !== undefined && !/^\d{1,15}$/.test(lastHeader.trim()))
        throw new ApiError(400, 'invalid_request', 'Last-Event-ID must be an event id from this stream.')
      const last = lastHeader !== undefined ? Number(lastHeader.trim()) : undefined

      reply.hijack()
      const res = reply.raw
      const socket = req.raw.socket
      res.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
      })
      res.write(`retry: ${ctx.config.sseRetryMs}\n\n`)
      const conn: SseConn = { res, pairingId: id, cursor: rec.eventId, busy: false, again: false, unsub: () => {} }

      let initial: string
      const replay = last !== undefined && last <= rec.eventId ? await ctx.live.events(id, last) : null
      if (replay && (last === rec.eventId || (replay.length > 0 && replay[0].id === (last as number) + 1))) {
        initial = replay.map(frame).join('')
        conn.cursor = replay.length ? replay[replay.length - 1].id : (last as number)
      } else {
        // First connection, or the log no longer reaches back: send the current state.
        initial = frame({ id: rec.eventId, type: 'status', data: JSON.stringify({ type: 'status', status: ctx.svc.statusOf(rec) }), at: 0 })
        conn.cursor = rec.eventId
      }
      if (initial) res.write(initial)

      const flush = async () => {
        if (conn.busy) {
          conn.again = true
          return
        }
        conn.busy = true
        try {
          do {
            conn.again = false
            const evs = await ctx.live.events(id, conn.cursor)
            if (evs.length) {
              conn.cursor = evs[evs.length - 1].id
              res.write(evs.map(frame).join(''))
            }
          } while (conn.again)
        } catch (e) {
          req.log.warn({ err: e }, 'event stream read failed')
        } finally {
          conn.busy = false
        }
      }
      conn.unsub = ctx.live.subscribe(id, () => void flush())
      ctx.hub.add(conn)
      res.once('close', () => {
        ctx.hub.remove(conn)
        // A stream never finishes normally: free the socket even if the client only half-closed it.
        socket.destroy()
      })
      // Events appended between the load and the subscription.
      void flush()
    },
  )
}
