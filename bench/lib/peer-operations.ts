// The operations the pairing service and the peer both offer, as comparison pairs: a device
// asks for a code (peer: /device/auth; ours: POST /v1/pairings and /oauth/device_authorization,
// signed), and a device polls while nobody has approved yet (peer: /token → authorization_pending;
// ours: the status poll and /oauth/token → authorization_pending).
import { deviceCodeOf, isAuthorizationPending, peerDeviceAuthorization, peerTokenPoll } from './oidc-peer'
import { runLoad, type Req } from './load'
import { compare, fill, type Comparison, type Operation, type RoundOptions } from './peer-compare'
import { num } from './text-table'
import { createPairing, oauthDeviceAuthorization, oauthTokenPoll, parseCreated, statusPoll, type CreatedPairing, type Device } from './protocol-requests'

export interface Target {
  port: number
  pid: number
}

export interface PeerOptions extends RoundOptions {
  /**
   * The fewest pairings each poll comparison cycles through. The service paces every pairing
   * (slow_down under 0.8 × interval), so a pool must take longer than that to go round at full
   * speed: it is made larger when a probe polls faster.
   */
  pollPool: number
  /** Pairings of the probe that measures how fast they are polled. */
  probe: number
  /**
   * Device codes the peer's poll cycles through: its in-memory adapter is an LRU of 1000
   * entries (two per code), so a larger pool would poll evicted codes.
   */
  peerPollPool: number
}

/** Seconds one pass over a poll pool takes at the probe's rate: pacing refuses a pairing polled again within 0.8 s. */
const PASS_S = 3

/**
 * Tops `pool` up so that one pass over it at full speed takes PASS_S: polls a fresh probe set
 * once each (never twice, so the probe itself is not paced) for the rate, then creates what is
 * missing. Returns the probe's rate (polls/s).
 */
async function sizePool<T>(
  pool: T[],
  create: (i: number) => Req,
  parse: (status: number, body: string) => T | undefined,
  poll: (t: T) => Req,
  port: number,
  o: PeerOptions,
): Promise<number> {
  const keepInto = (into: T[]) => (status: number, body: string) => {
    const t = parse(status, body)
    if (t !== undefined) into.push(t)
  }
  const probe: T[] = []
  await fill(port, o.probe, o.concurrency, create, keepInto(probe))
  // The first half warms the route up; the second half gives the rate.
  const half = probe.length >> 1
  await runLoad({ port, concurrency: o.concurrency, durationMs: 60_000, maxRequests: half, make: (i) => poll(probe[i]) })
  const r = await runLoad({ port, concurrency: o.concurrency, durationMs: 60_000, maxRequests: probe.length - half, make: (i) => poll(probe[half + i]) })
  const target = Math.max(o.pollPool, Math.ceil(r.rps * PASS_S))
  if (pool.length < target) await fill(port, target - pool.length, o.concurrency, create, keepInto(pool))
  return r.rps
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

  const peerAuth = { port: peer.port, pid: peer.pid, make: peerDeviceAuthorization, ok: (s: number, b: string) => s === 200 && b.includes('"device_code"') }
  await run({
    name: 'device authorization',
    peerLabel: 'POST /device/auth',
    oursLabel: 'POST /v1/pairings (signed)',
    peer: peerAuth,
    ours: { port: ours.port, pid: ours.pid, make: (i) => createPairing(device(i), ours.host), ok: (s) => s === 201, keep: (b) => pairings.push(parseCreated(b)) },
  })
  await run({
    name: 'device authorization (form)',
    peerLabel: 'POST /device/auth',
    oursLabel: 'POST /oauth/device_authorization (signed)',
    peer: peerAuth,
    ours: {
      port: ours.port,
      pid: ours.pid,
      make: (i) => oauthDeviceAuthorization(device(i), ours.host),
      ok: (s, b) => s === 200 && b.includes('"device_code"'),
      keep: keepCode,
    },
  })

  // Pools to poll: the codes made above, topped up (unmeasured) to what the pacing needs.
  const statusRate = await sizePool(pairings, (i) => createPairing(device(i), ours.host), (s, b) => (s === 201 ? parseCreated(b) : undefined), (p) => statusPoll(p.id, p.tvToken), ours.port, o)
  const tokenRate = await sizePool(codes, (i) => oauthDeviceAuthorization(device(i), ours.host), (s, b) => (s === 200 ? deviceCodeOf(b) : undefined), (c) => oauthTokenPoll(c), ours.port, o)
  log(`peer: probes polled ${num(statusRate)} status/s and ${num(tokenRate)} token/s`)
  await fill(peer.port, o.peerPollPool, o.concurrency, peerDeviceAuthorization, (s, b) => {
    const code = s === 200 ? deviceCodeOf(b) : undefined
    if (code) peerCodes.push(code)
  })
  log(`peer: polling ${pairings.length} pairings, ${codes.length} device codes (ours) and ${peerCodes.length} device codes (peer)`)

  const peerPoll = { port: peer.port, pid: peer.pid, make: (i: number) => peerTokenPoll(peerCodes[i % peerCodes.length]), ok: isAuthorizationPending }
  await run({
    name: 'pending poll',
    peerLabel: 'POST /token (pending)',
    oursLabel: 'GET /v1/pairings/{id} (status)',
    peer: peerPoll,
    ours: { port: ours.port, pid: ours.pid, make: (i) => statusPoll(pairings[i % pairings.length].id, pairings[i % pairings.length].tvToken), ok: (s) => s === 200 },
  })
  await run({
    name: 'pending poll (form)',
    peerLabel: 'POST /token (pending)',
    oursLabel: 'POST /oauth/token (pending)',
    peer: peerPoll,
    ours: { port: ours.port, pid: ours.pid, make: (i) => oauthTokenPoll(codes[i % codes.length]), ok: isAuthorizationPending },
  })
  return results
}
