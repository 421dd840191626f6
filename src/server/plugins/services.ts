// The services every route shares (configuration, stores, the pairing service, the event-stream
// hub), decorated on the root instance: fastify-plugin lifts encapsulation, so every route
// plugin registered after it reads them from its own `app`.
import type { AddressInfo } from 'node:net'
import fp from 'fastify-plugin'
import type { ServiceConfig } from '../config'
import type { Hasher } from '../crypto'
import { SseHub } from '../realtime/SseHub'
import type { ServiceDeps } from '../service/deps'
import { PairingService } from '../service/PairingService'
import type { LedgerStore } from '../storage/ledger'
import type { LiveStore } from '../storage/live'

declare module 'fastify' {
  interface FastifyInstance {
    config: ServiceConfig
    live: LiveStore
    ledger: LedgerStore
    hasher: Hasher
    /** Milliseconds since the epoch. */
    clock: () => number
    pairings: PairingService
    sseHub: SseHub
    /** Base URL of QR links and OAuth metadata, without a trailing slash. */
    publicUrl: () => string
  }
}

export default fp<ServiceDeps>(
  async function services(app, deps) {
    const { config, live, ledger, hasher, clock, log } = deps
    const pairings = new PairingService(deps)
    const sseHub = new SseHub(
      config.heartbeatMs,
      (ids) => {
        for (const id of ids) pairings.tick(id).catch((e) => log.warn({ err: e }, 'pairing deadline check failed'))
      },
      { perToken: config.connections.maxStreamsPerToken, perAddress: config.connections.maxStreamsPerAddress },
    )

    let listeningUrl: string | null = null
    const publicUrl = () => {
      if (config.publicUrl) return config.publicUrl
      if (listeningUrl) return listeningUrl
      const addr = app.server.address() as AddressInfo | null
      return `http://localhost:${addr?.port ?? config.port}`
    }
    app.addHook('onListen', async () => {
      listeningUrl = publicUrl()
    })

    app.decorate('config', config)
    app.decorate('live', live)
    app.decorate('ledger', ledger)
    app.decorate('hasher', hasher)
    app.decorate('clock', clock)
    app.decorate('pairings', pairings)
    app.decorate('sseHub', sseHub)
    app.decorate('publicUrl', publicUrl)

    app.addHook('preClose', async () => {
      sseHub.closeAll()
    })
  },
  { name: 'services' },
)
