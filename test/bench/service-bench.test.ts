// `npm run bench:service` in small pieces, so it cannot rot unseen: its options, its event
// scanner, its tables, and the live parts run briefly against a real service and a real peer.
// Nothing here asserts a speed.
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isHeld, type StepResult } from '../../bench/lib/capacity'
import { capacityTable, kbPerTv, largestHeld } from '../../bench/lib/capacity-table'
import { EventScanner } from '../../bench/lib/event-stream'
import { startPeer, type Peer } from '../../bench/lib/oidc-peer'
import type { Comparison } from '../../bench/lib/peer-compare'
import { comparePeer } from '../../bench/lib/peer-operations'
import { peerTable, verdict } from '../../bench/lib/peer-table'
import { makeDevices } from '../../bench/lib/protocol-requests'
import { OPS, ServiceMix, type WindowStats } from '../../bench/lib/service-mix'
import { fdCapTvs, OptionError, parseOptions } from '../../bench/lib/service-options'
import { startService, type Service } from '../../bench/lib/service-proc'

const ROOT = resolve(__dirname, '../..')

describe('bench:service options', () => {
  it('steps up to what the open-file limit allows, the limit itself last', () => {
    const o = parseOptions([], 20_000)
    expect(fdCapTvs(20_000)).toBe(9700)
    expect(o.steps).toEqual([250, 500, 1000, 2000, 4000, 8000, 9700])
    expect(o.backends).toEqual(['memory', 'redis'])
    expect(o.parts).toEqual({ capacity: true, peer: true })
  })

  it('--quick is smaller everywhere', () => {
    const full = parseOptions([], 20_000)
    const q = parseOptions(['--quick', '--backends', 'sqlite'], 20_000)
    expect(q.backends).toEqual(['memory'])
    expect(q.steps.length).toBeLessThan(full.steps.length)
    expect(q.windowS).toBeLessThan(full.windowS)
    expect(q.durationS).toBeLessThan(full.durationS)
    expect(q.pollPool).toBeLessThan(full.pollPool)
  })

  it('refuses what it cannot run, naming the option', () => {
    expect(() => parseOptions(['--frobnicate', '1'], 20_000)).toThrow(/--frobnicate/)
    expect(() => parseOptions(['--backends', 'mongo'], 20_000)).toThrow(/mongo/)
    expect(() => parseOptions(['--steps', '100,20000'], 20_000)).toThrow(/at most 9700/)
    expect(() => parseOptions(['--rotate', '300'], 20_000)).toThrow(/--rotate/)
    expect(() => parseOptions(['--rounds'], 20_000)).toThrow(OptionError)
    expect(parseOptions(['--only', 'peer', '--steps', '500,100'], 20_000)).toMatchObject({ parts: { capacity: false, peer: true }, steps: [100, 500] })
  })
})

describe('EventScanner', () => {
  it('reports each event type once, across chunk boundaries and HTTP chunk framing', () => {
    const seen: string[] = []
    const s = new EventScanner((t) => seen.push(t))
    const text = '3a\r\nretry: 3000\n\nid: 1\nevent: status\ndata: {"type":"status"}\n\n\r\n: hb\n\nid: 2\nevent: consent_requested\ndata: {}\n\n'
    for (let i = 0; i < text.length; i += 5) s.push(text.slice(i, i + 5))
    expect(seen).toEqual(['status', 'consent_requested'])
  })
})

function window(p99Ms: number, errors = 0): WindowStats {
  const counts = Object.fromEntries(OPS.map((op) => [op, 100])) as WindowStats['counts']
  const latencies = Object.fromEntries(OPS.map((op) => [op, Array.from({ length: 100 }, (_, i) => (i >= 98 ? p99Ms : 1))])) as WindowStats['latencies']
  return { seconds: 10, counts, latencies, push: [5], errors, errorKinds: errors ? { 'poll 429 slow_down': errors } : {} }
}

function step(tvs: number, p99Ms: number, errors = 0): StepResult {
  return { tvs, windows: [window(p99Ms), window(p99Ms)], errors, errorKinds: errors ? { 'poll 429 slow_down': errors } : {}, idleRssKb: 50_000, rssKb: 50_000 + tvs * 20, cpuMsPerOp: [0.2, 0.3], otherCores: [0.1, 0.2], loadCores: [0.3, 0.3], retried: false }
}

describe('capacity table', () => {
  const ctx = { backend: 'memory + SQLite', profile: { rotateS: 240, pairEveryS: 500, pushTimeoutMs: 10_000 }, pollIntervalS: 5, rounds: 2, windowS: 10, fdCap: { tvs: 9700, limit: 20_000 } }

  it('names the largest step held and why the next one was not', () => {
    const steps = [step(250, 5), step(500, 50), step(1000, 250)]
    expect(steps.map(isHeld)).toEqual([true, true, false])
    expect(largestHeld(steps)?.tvs).toBe(500)
    expect(kbPerTv(steps)).toBeCloseTo(20, 6)
    const out = capacityTable(steps, ctx).join('\n')
    expect(out).toMatch(/largest N held \(p99 < 200 ms, zero errors\): 500 live TVs; service memory 20\.0 KB per live TV/)
    expect(out).toMatch(/1000 live TVs not held: p99 250\.0 ms/)
    // 500 TVs sent 60 ops/s at 0.25 ms each: 0.03 ms of CPU per TV per second, about 33,300 TVs per core.
    expect(out).toMatch(/service CPU per live TV at 500: 0\.0300 ms per second, i\.e\. about 33300 live TVs/)
  })

  it('marks a step held on its second measurement', () => {
    const s = { ...step(250, 5), retried: true }
    expect(capacityTable([s], ctx).join('\n')).toMatch(/ yes \(2nd\)/)
  })

  it('does not hold a fast step with errors, and says which', () => {
    const s = step(250, 5, 3)
    expect(isHeld(s)).toBe(false)
    expect(capacityTable([s], ctx).join('\n')).toMatch(/none of the steps[\s\S]*poll 429 slow_down ×3/)
  })
})

describe('peer table', () => {
  it('calls a ratio ahead or behind only when every round agrees', () => {
    expect(verdict({ median: 1.5, min: 1.2, max: 1.8 }, true)).toBe('ahead')
    expect(verdict({ median: 1.5, min: 0.9, max: 1.8 }, true)).toBe('even')
    expect(verdict({ median: 0.5, min: 0.4, max: 0.6 }, false)).toBe('ahead')
    expect(verdict({ median: 0.5, min: 0.4, max: 0.6 }, true)).toBe('behind')
  })

  it('lists the operations where ours is behind', () => {
    const side = (rps: number[], p99: number[]) => ({ rps, p99, cpuUs: [100, 100], storeCpuUs: [0, 0], otherCores: [0, 0], bad: 0, badKinds: {} })
    const c: Comparison = { name: 'device authorization', peerLabel: 'POST /device/auth', oursLabel: 'POST /v1/pairings', peer: side([1000, 1000], [10, 10]), ours: side([800, 900], [5, 6]) }
    const out = peerTable([c], { peer: 'oidc-provider 9', backend: 'memory + SQLite', rounds: 2, durationS: 1, concurrency: 8 }).join('\n')
    expect(out).toMatch(/0\.85 \[0\.80–0\.90\]× behind/)
    expect(out).toMatch(/behind the peer on: device authorization \(req\/s\)/)
  })
})

describe('live pieces against a real service and peer', () => {
  let svc: Service
  let peer: Peer
  const devices = makeDevices(24, 'test-tv')
  beforeAll(async () => {
    ;[svc, peer] = await Promise.all([
      startService(ROOT, {}, { devices, env: { MAX_STREAMS_PER_ADDRESS: '1000', POLL_INTERVAL_SECONDS: '1', LIMIT_PAIRINGS_PER_DEVICE: '100000' } }),
      startPeer(ROOT),
    ])
  }, 60_000)
  afterAll(async () => {
    await Promise.all([svc?.stop(), peer?.stop()])
  })

  it('the mix pairs phones with live TVs: claims, signed decisions and both pushes, without errors', async () => {
    const mix = new ServiceMix({ port: svc.port, host: svc.host, devices: devices.slice(0, 16), profile: { rotateS: 30, pairEveryS: 4, pushTimeoutMs: 10_000 } })
    try {
      expect(await mix.grow(16, 4)).toBe(true)
      mix.startWindow()
      await new Promise((r) => setTimeout(r, 3000))
      const w = mix.endWindow()
      expect(w.errorKinds).toEqual({})
      expect(w.counts.poll).toBeGreaterThan(0)
      expect(w.counts.claim).toBeGreaterThan(0)
      expect(w.counts.decision).toBeGreaterThan(0)
      expect(w.push.length).toBeGreaterThan(0)
    } finally {
      await mix.stop()
    }
  }, 60_000)

  it('each comparison gets the expected answers from both sides', async () => {
    const logs: string[] = []
    const results = await comparePeer(
      { port: svc.port, pid: svc.proc.child.pid as number, host: svc.host, devices: devices.slice(16) },
      { port: peer.port, pid: peer.proc.child.pid as number },
      { rounds: 2, durationMs: 200, concurrency: 4, warmMs: 100, pollPool: 300, probe: 1000, peerPollPool: 50 },
      (m) => logs.push(m),
    )
    expect(results.map((r) => r.name)).toEqual(['device authorization', 'device authorization (form)', 'pending poll', 'pending poll (form)'])
    for (const r of results) {
      expect({ op: r.name, peer: r.peer.badKinds, ours: r.ours.badKinds }).toEqual({ op: r.name, peer: {}, ours: {} })
      expect(r.peer.rps).toHaveLength(2)
      expect(Math.min(...r.peer.rps, ...r.ours.rps)).toBeGreaterThan(0)
    }
  }, 120_000)
})
