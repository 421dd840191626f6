// Server-sent events for the waiting sides: Last-Event-ID resume, heartbeats (realtime/SseHub)
// and a `retry:` hint. A stream ends once its pairing is settled (nothing more can happen), and
// streams are capped per token and per client address.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { PairingParamsSchema, PATHS, pairingSettled, type PairingStatus } from '../../core/protocol'
import { ApiError } from '../errors'
import type { SseConn } from '../realtime/SseHub'
import type { StoredEvent } from '../storage/live'

function frame(e: StoredEvent): string {
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${e.data}\n\n`
}

export default async function eventRoutes(app: FastifyInstance) {
  const { config, live, pairings, sseHub } = app
  app.get<{ Params: { pairing_id: string } }>(
    PATHS.events(':pairing_id'),
    {
      schema: {
        summary: 'Follow a pairing as server-sent events',
        description:
          'TV or phone token. Events: `status` (snapshot on connect), `claimed`, `consent_requested`, `decided`, `withdrawn`, `expired`, `revoked`; ' +
          'each `data` is `{ type, status }`. Send `Last-Event-ID` to resume; comments `: hb` are heartbeats. ' +
          'The stream ends after the event that settles the pairing (denied, expired, revoked, or every granted scope withdrawn); ' +
          'a client that has seen that event gets 204. 429 `too_many_streams` beyond the streams one token or address may hold.',
        tags: ['pairing'],
        params: PairingParamsSchema,
        security: [{ tvToken: [] }, { phoneToken: [] }],
        response: { 200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }, 204: { description: 'settled: nothing more will come', type: 'null' } },
      },
    },
    async (req: FastifyRequest<{ Params: { pairing_id: string } }>, reply) => {
      const id = req.params.pairing_id
      const who = await pairings.authenticate(req.headers.authorization, id, ['tv', 'phone'])
      const rawLast = req.headers['last-event-id']
      const lastHeader = Array.isArray(rawLast) ? rawLast[0] : rawLast
      if (lastHeader !== undefined && !/^\d{1,15}$/.test(lastHeader.trim()))
        throw new ApiError(400, 'invalid_request', 'Last-Event-ID must be an event id from this stream.')
      const last = lastHeader !== undefined ? Number(lastHeader.trim()) : undefined
      // Taken before anything is awaited, so a burst of connections is counted as it arrives.
      const release = sseHub.reserve(`${who.role}:${id}`, req.ip)
      let rec
      try {
        rec = await pairings.load(id)
      } catch (e) {
        release()
        throw e
      }
      if (last !== undefined && last >= rec.eventId && pairingSettled(pairings.statusOf(rec))) {
        // The client has seen the end already: 204 tells an SSE client not to reconnect.
        release()
        return reply.code(204).send()
      }

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
      res.write(`retry: ${config.sseRetryMs}\n\n`)
      const conn: SseConn = { res, pairingId: id, cursor: rec.eventId, busy: false, again: false, unsub: () => {} }
      let ended = false
      /** Ends the stream once the pairing has nothing more to say. */
      const endIfSettled = (frames: StoredEvent[]) => {
        const lastFrame = frames[frames.length - 1]
        if (ended || !lastFrame || !settledEvent(lastFrame)) return
        ended = true
        sseHub.remove(conn)
        res.end()
      }

      let deadlineTimer: ReturnType<typeof setTimeout> | undefined
      /** A stream on a pending request wakes at its decision deadline: the expiry reaches both sides then, not at a heartbeat. */
      const armDeadline = (frames: StoredEvent[]) => {
        const at = frames.length ? decisionDeadlineOf(frames[frames.length - 1]) : null
        if (at === null || ended) return
        clearTimeout(deadlineTimer)
        deadlineTimer = setTimeout(() => void pairings.tick(id).catch((e) => req.log.warn({ err: e }, 'pairing deadline check failed')), Math.max(0, at - pairings.now()) + 20)
        deadlineTimer.unref()
      }

      let initial: StoredEvent[]
      const replay = last !== undefined && last <= rec.eventId ? await live.events(id, last) : null
      if (replay && (last === rec.eventId || (replay.length > 0 && replay[0].id === (last as number) + 1))) {
        initial = replay
        conn.cursor = replay.length ? replay[replay.length - 1].id : (last as number)
      } else {
        // First connection, or the log no longer reaches back: send the current state.
        initial = [{ id: rec.eventId, type: 'status', data: JSON.stringify({ type: 'status', status: pairings.statusOf(rec) }), at: 0 }]
        conn.cursor = rec.eventId
      }
      if (initial.length) res.write(initial.map(frame).join(''))

      const flush = async () => {
        if (conn.busy) {
          conn.again = true
          return
        }
        conn.busy = true
        try {
          do {
            conn.again = false
            const evs = await live.events(id, conn.cursor)
            if (evs.length && !ended) {
              conn.cursor = evs[evs.length - 1].id
              res.write(evs.map(frame).join(''))
              endIfSettled(evs)
              armDeadline(evs)
            }
          } while (conn.again && !ended)
        } catch (e) {
          req.log.warn({ err: e }, 'event stream read failed')
        } finally {
          conn.busy = false
        }
      }
      res.once('close', () => {
        clearTimeout(deadlineTimer)
        sseHub.remove(conn)
        release()
        // A stream never finishes normally: free the socket even if the client only half-closed it.
        socket.destroy()
      })
      conn.unsub = live.subscribe(id, () => void flush())
      sseHub.add(conn)
      endIfSettled(initial)
      armDeadline(initial)
      // Events appended between the load and the subscription.
      if (!ended) void flush()
    },
  )
}

function statusOfEvent(e: StoredEvent): PairingStatus | undefined {
  try {
    return (JSON.parse(e.data) as { status?: PairingStatus }).status
  } catch {
    return undefined
  }
}

/** Whether an event leaves its pairing settled (its data carries the status as stored). */
function settledEvent(e: StoredEvent): boolean {
  const status = statusOfEvent(e)
  return status !== undefined && pairingSettled(status)
}

/** The decision deadline (ms) an event's status names, or null when it names none. */
function decisionDeadlineOf(e: StoredEvent): number | null {
  const at = statusOfEvent(e)?.decision_deadline
  return at ? Date.parse(at) : null
}
