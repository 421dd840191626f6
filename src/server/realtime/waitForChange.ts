// The long-poll wait of the status route: it ends at the pairing's next event, at its time
// limit, when the client leaves, or when the service shuts down.
import type { FastifyReply } from 'fastify'
import type { LiveStore } from '../storage/live'
import type { SseHub } from './SseHub'

/** Resolves when the pairing has an event newer than `after`, after `ms`, or when the client leaves. */
export function waitForChange(
  services: { live: LiveStore; sseHub: SseHub },
  reply: FastifyReply,
  pairingId: string,
  after: number,
  ms: number,
): Promise<void> {
  const { live, sseHub } = services
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
      void live.events(pairingId, after).then(
        (evs) => evs.length > 0 && finish(),
        () => finish(),
      )
    }
    const timer = setTimeout(finish, ms)
    const unsub = live.subscribe(pairingId, check)
    const unwait = sseHub.addWaiter(finish)
    reply.raw.once('close', finish)
    check()
  })
}
