// The operations the pairing service and the peer both offer, as comparison pairs: a device
// asks for a code (peer: /device/auth; ours: POST /v1/pairings and /oauth/device_authorization,
// signed), and a device polls while nobody has approved yet (peer: /token → authorization_pending;
// ours: the status poll and /oauth/token → authorization_pending).
import { deviceCodeOf, isAuthorizationPending, peerDeviceAuthorization, peerTokenPoll } from './oidc-peer'
import { compare, fill, type Comparison, type Operation, type RoundOptions } from './peer-compare'
import { pacedPool, pacedSide, type CodeSource } from './poll-pool'
import { num } from './text-table'
import { createPairing, oauthDeviceAuthorization, oauthTokenPoll, parseCreated, statusPoll, type CreatedPairing, type Device } from './protocol-requests'

export interface Target {
  port: number
  pid: number
  /** Processes of its store (Redis, PostgreSQL), whose CPU counts as its own. */
  storePids?: number[]
}

export interface PeerOptions extends RoundOptions {
  /** The fewest pairings (or device codes) each of our poll comparisons cycles through (see poll-pool.ts). */
  pollPool: number
  /** Pairings of the probe that measures how fast they are polled. */
  probe: number
  /**
   * Device codes the peer's poll cycles through: its in-memory adapter is an LRU of 1000
   * entries (two per code), so a larger pool would poll evicted codes.
   */
  peerPollPool: number
}

export async function comparePeer(ours: Target & { host: string; devices: Device[] }, peer: Target, o: PeerOptions, log: (m: string) => void): Promise<Comparison[]> {
  const device = (i: number) => ours.devices[i % ours.devices.length]
  const pairings: CreatedPairing[] = []
  const codes: string[] = []
  const keepCode = (body: string) => {
    const code = deviceCodeOf(body)
    if (code) codes.push(code)
  }
  const peerCodes: string[] = []
  const results: Comparison[] = []
  const run = async (op: Operation) => {
    const r = await compare(op, o)
    log(`peer: ${op.name}: done`)
    results.push(r)
  }

  const oursSide = { port: ours.port, pid: ours.pid, storePids: ours.storePids }
  const peerAuth = { port: peer.port, pid: peer.pid, make: peerDeviceAuthorization, ok: (s: number, b: string) => s === 200 && b.includes('"device_code"') }
  await run({
    name: 'device authorization',
    peerLabel: 'POST /device/auth',
    oursLabel: 'POST /v1/pairings (signed)',
    peer: peerAuth,
    ours: { ...oursSide, make: (i) => createPairing(device(i), ours.host), ok: (s) => s === 201, keep: (b) => pairings.push(parseCreated(b)) },
  })
  await run({
    name: 'device authorization (form)',
    peerLabel: 'POST /device/auth',
    oursLabel: 'POST /oauth/device_authorization (signed)',
    peer: peerAuth,
    ours: {
      ...oursSide,
      make: (i) => oauthDeviceAuthorization(device(i), ours.host),
      ok: (s, b) => s === 200 && b.includes('"device_code"'),
      keep: keepCode,
    },
  })

  // Pools to poll: the codes made above, topped up (unmeasured) to what the pacing needs.
  const src = { ...oursSide, concurrency: o.concurrency }
  const statusSrc: CodeSource<CreatedPairing> = {
    ...src,
    create: (i) => createPairing(device(i), ours.host),
    parse: (s, b) => (s === 201 ? parseCreated(b) : undefined),
    poll: (p) => statusPoll(p.id, p.tvToken),
  }
  const tokenSrc: CodeSource<string> = {
    ...src,
    create: (i) => oauthDeviceAuthorization(device(i), ours.host),
    parse: (s, b) => (s === 200 ? deviceCodeOf(b) : undefined),
    poll: (c) => oauthTokenPoll(c),
  }
  const status = await pacedPool(pairings, statusSrc, o.pollPool, o.probe)
  const token = await pacedPool(codes, tokenSrc, o.pollPool, o.probe)
  log(`peer: probes polled ${num(status.probeRate)} status/s and ${num(token.probeRate)} token/s; pools of ${status.pool.size} and ${token.pool.size}`)
  await fill(peer.port, o.peerPollPool, o.concurrency, peerDeviceAuthorization, (s, b) => {
    const code = s === 200 ? deviceCodeOf(b) : undefined
    if (code) peerCodes.push(code)
  })

  const peerPoll = { port: peer.port, pid: peer.pid, make: (i: number) => peerTokenPoll(peerCodes[i % peerCodes.length]), ok: isAuthorizationPending }
  await run({
    name: 'pending poll',
    peerLabel: 'POST /token (pending)',
    oursLabel: 'GET /v1/pairings/{id} (status)',
    peer: peerPoll,
    ours: pacedSide(status.pool, statusSrc, (s) => s === 200),
  })
  await run({
    name: 'pending poll (form)',
    peerLabel: 'POST /token (pending)',
    oursLabel: 'POST /oauth/token (pending)',
    peer: peerPoll,
    ours: pacedSide(token.pool, tokenSrc, isAuthorizationPending),
  })
  return results
}
