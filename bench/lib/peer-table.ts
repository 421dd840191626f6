// The printed peer table of `npm run bench:service`: per operation the peer's and our
// requests/s, p99 and CPU per request, and ours/peer from the paired rounds with its spread.
import type { Comparison } from './peer-compare'
import { ratios, spread, type Spread } from './stats'
import { num, renderTable, spreadText, type Align } from './text-table'

export interface PeerContext {
  peer: string
  backend: string
  rounds: number
  durationS: number
  concurrency: number
}

export type Verdict = 'ahead' | 'behind' | 'even'

/** Where ours stands when the whole min–max of the per-round ratios is on one side of 1. */
export function verdict(r: Spread, higherIsBetter: boolean): Verdict {
  if (r.min > 1 && r.max > 1) return higherIsBetter ? 'ahead' : 'behind'
  if (r.min < 1 && r.max < 1) return higherIsBetter ? 'behind' : 'ahead'
  return 'even'
}

function ratioText(r: Spread, higherIsBetter: boolean): string {
  return `${spreadText(r, 2)}× ${verdict(r, higherIsBetter)}`
}

export interface PeerRatios {
  rps: Spread
  p99: Spread
  cpu: Spread
}

/** CPU per request with the store's, per round. */
const totalCpu = (s: Comparison['ours']) => s.cpuUs.map((c, i) => c + (s.storeCpuUs[i] ?? 0))

export function peerRatios(c: Comparison): PeerRatios {
  return {
    rps: spread(ratios(c.ours.rps, c.peer.rps)),
    p99: spread(ratios(c.ours.p99, c.peer.p99)),
    cpu: spread(ratios(totalCpu(c.ours), totalCpu(c.peer))),
  }
}

function cpuText(s: Comparison['ours']): string {
  const store = s.storeCpuUs.some((x) => x > 0)
  return store ? `${spreadText(spread(s.cpuUs))} + ${spreadText(spread(s.storeCpuUs))} store` : spreadText(spread(s.cpuUs))
}

const HEAD = ['operation', 'side', 'endpoint', 'req/s', 'p99 ms', 'CPU µs/req', 'others cores', 'bad answers']
const ALIGN: Align[] = ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'l']

function badText(s: Comparison['ours']): string {
  const kinds = Object.entries(s.badKinds).map(([k, v]) => `${k} ×${v}`)
  return kinds.length ? `${s.bad} (${kinds.join(', ')})` : String(s.bad)
}

export function peerTable(results: Comparison[], c: PeerContext): string[] {
  const rows: string[][] = []
  const behind: string[] = []
  for (const r of results) {
    const q = peerRatios(r)
    rows.push([r.name, 'peer', r.peerLabel, spreadText(spread(r.peer.rps)), spreadText(spread(r.peer.p99), 1), cpuText(r.peer), spreadText(spread(r.peer.otherCores), 1), badText(r.peer)])
    rows.push(['', 'ours', r.oursLabel, spreadText(spread(r.ours.rps)), spreadText(spread(r.ours.p99), 1), cpuText(r.ours), spreadText(spread(r.ours.otherCores), 1), badText(r.ours)])
    rows.push(['', 'ours/peer', '', ratioText(q.rps, true), ratioText(q.p99, false), ratioText(q.cpu, false), '', ''])
    const lost = [verdict(q.rps, true) === 'behind' ? 'req/s' : '', verdict(q.p99, false) === 'behind' ? 'p99' : '', verdict(q.cpu, false) === 'behind' ? 'CPU' : ''].filter(Boolean)
    if (lost.length) behind.push(`${r.name} (${lost.join(', ')})`)
  }
  return [
    `Peer — ${c.peer} (device flow, in-memory adapter) beside the service on ${c.backend}: ${c.rounds} round(s) × ${num(c.durationS, 1)} s per side, alternating,` +
      ` ${c.concurrency} requests in flight; median [min–max] of rounds, ours/peer from each pair of rounds`,
    ...renderTable(HEAD, rows, ALIGN),
    behind.length ? `behind the peer on: ${behind.join('; ')}` : 'not behind the peer on any operation (ahead, or even within the rounds’ spread)',
  ]
}
