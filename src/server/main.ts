// Entry point: `npm run service` (production defaults) and `npm start` (builds the TV app
// first and runs in dev mode unless DEV=0). Configuration comes from environment variables.
import type { AddressInfo } from 'node:net'
import { buildApp } from './app'
import { ConfigError, configFromEnv } from './config'
import { openFileLimit, RESERVED_DESCRIPTORS } from './fileLimit'
import { lanPublicUrl } from './lanAddress'
import { KnownPolicies, policyDirOf } from './policies'
import { DEV_MODE_WARNING, startBanner } from './startBanner'

async function main(): Promise<void> {
  let config
  try {
    config = configFromEnv(process.env, process.env.npm_lifecycle_event === 'start')
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`Miitee pairing service cannot start: bad configuration in ${e.message}\n`)
      process.exit(2)
    }
    throw e
  }

  let app
  try {
    app = await buildApp(config)
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`Miitee pairing service cannot start: ${e.message}\n`)
      process.exit(2)
    }
    throw e
  }
  const log = app.log
  const files = openFileLimit()
  if (files !== null && config.connections.maxConnections + RESERVED_DESCRIPTORS > files)
    log.warn(
      { max_connections: config.connections.maxConnections, open_file_limit: files },
      `MAX_CONNECTIONS leaves fewer than ${RESERVED_DESCRIPTORS} of the open-file limit for the ledger and the stores: raise the limit (ulimit -n, systemd LimitNOFILE=) or lower MAX_CONNECTIONS`,
    )
  const policies = new KnownPolicies(policyDirOf(config))
  if (policies.count === 0)
    log.warn({ policy_index: policies.indexFile }, 'no policy index: every decision is refused (unknown_policy) until the policy is built (npm run build) or POLICY_DIR names one')
  if (config.dev) log.warn(DEV_MODE_WARNING)
  else if (config.deviceCredentials.size === 0)
    log.warn('no device credentials configured (DEVICE_CREDENTIALS_FILE): every TV registration will be refused')

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down: no new connections, draining requests, closing storage')
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting')
      process.exit(1)
    }, 10_000)
    force.unref()
    try {
      await app.close()
      process.exit(0)
    } catch (e) {
      log.error({ err: e }, 'shutdown failed')
      process.exit(1)
    }
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))

  await app.listen({ port: config.port, host: config.host })
  const addr = app.server.address() as AddressInfo
  // With PORT=0 the LAN URL's port is known only now; app.ts reads config.publicUrl per call.
  if (config.lanAddress && !config.publicUrl) config.publicUrl = lanPublicUrl(config.lanAddress, addr.port)
  const loopback = ['127.0.0.1', '::1', 'localhost'].includes(config.host)
  const wildcard = config.host === '0.0.0.0' || config.host === '::'
  log.info(
    {
      host: config.host,
      port: addr.port,
      public_url: app.publicUrl(),
      dev: config.dev,
      data_dir: config.dataDir,
      live_store: config.redisUrl ? 'redis' : 'memory',
      ledger_store: config.databaseUrl ? 'postgresql' : 'sqlite',
    },
    loopback ? 'listening on the loopback interface only (set HOST=0.0.0.0 and PUBLIC_URL to accept TVs and phones on the network)' : `listening on ${config.host}`,
  )
  if (wildcard && !config.publicUrl) log.warn('QR links point at localhost, which no phone can open: set PUBLIC_URL to an address phones can reach')
  process.stdout.write(await startBanner({ host: config.host, port: addr.port, publicUrl: app.publicUrl(), dev: config.dev }))
}

main().catch((e) => {
  process.stderr.write(`Miitee pairing service failed to start: ${(e as Error).stack ?? e}\n`)
  process.exit(1)
})
