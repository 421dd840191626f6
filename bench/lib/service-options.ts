// Command-line options of `npm run bench:service` (see docs/scaling.md), and their defaults:
// the full run, or --quick (a smaller run that finishes in about two minutes).
import type { BackendName } from './service-proc'

export interface ServiceBenchOptions {
  quick: boolean
  backends: BackendName[]
  parts: { capacity: boolean; peer: boolean }
  /** Live TVs per capacity step, increasing. */
  steps: number[]
  rounds: number
  windowS: number
  rotateS: number
  pairEveryS: number
  peerRounds: number
  durationS: number
  concurrency: number
  logLevel: string
  /** Seconds between a ramp-up and the step's first round. */
  settleS: number
  /** Unmeasured seconds on each side before an operation's rounds. */
  warmS: number
  /** Pairings (and device codes) each of our poll comparisons cycles through. */
  pollPool: number
  /** Where to write CPU profiles of the service processes, if at all. */
  profileDir?: string
}

export class OptionError extends Error {}

/** Live TVs the open-file limit allows: two connections per TV in the service and in the load generator. */
export function fdCapTvs(limit: number): number {
  return Math.max(0, Math.floor((limit - 512) / 2 / 100) * 100)
}

const BACKEND_ALIASES: Record<string, BackendName> = { memory: 'memory', sqlite: 'memory', redis: 'redis', pg: 'redis', postgres: 'redis', shared: 'redis' }

export function parseOptions(argv: string[], fdLimit: number): ServiceBenchOptions {
  const flags = new Map<string, string>()
  const bare = new Set<string>()
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (!a.startsWith('--')) throw new OptionError(`unexpected argument ${JSON.stringify(a)}`)
    const name = a.slice(2)
    if (name === 'quick') bare.add(name)
    else if (i + 1 < argv.length) flags.set(name, argv[++i])
    else throw new OptionError(`--${name} needs a value`)
  }
  const known = ['backends', 'only', 'steps', 'max-tvs', 'rounds', 'window', 'rotate', 'pair-every', 'peer-rounds', 'duration', 'concurrency', 'poll-pool', 'log-level', 'profile']
  for (const k of flags.keys()) if (!known.includes(k)) throw new OptionError(`unknown option --${k}`)
  const quick = bare.has('quick')
  const number = (name: string, def: number, min: number): number => {
    const raw = flags.get(name)
    if (raw === undefined) return def
    const v = Number(raw)
    if (!Number.isFinite(v) || v < min) throw new OptionError(`--${name} needs a number ≥ ${min} (got ${JSON.stringify(raw)})`)
    return v
  }
  const backends = (flags.get('backends') ?? 'memory,redis').split(',').map((b) => b.trim().toLowerCase()).filter(Boolean)
  for (const b of backends) if (!BACKEND_ALIASES[b]) throw new OptionError(`--backends: unknown backend ${JSON.stringify(b)} (memory, redis)`)
  const only = flags.get('only')
  if (only !== undefined && only !== 'capacity' && only !== 'peer') throw new OptionError('--only takes capacity or peer')

  const rotateS = number('rotate', 240, 10)
  if (rotateS >= 300) throw new OptionError('--rotate must be under 300 s, the lifetime of a pairing (a TV shows a new code before it expires)')
  const cap = fdCapTvs(fdLimit)
  const maxTvs = Math.min(cap, Math.floor(number('max-tvs', cap, 1)))
  let steps: number[]
  if (flags.has('steps')) {
    steps = (flags.get('steps') as string).split(',').map((s) => Number(s.trim()))
    if (steps.some((s) => !Number.isInteger(s) || s < 1)) throw new OptionError('--steps takes whole numbers of TVs, e.g. 250,500,1000')
    if (steps.some((s) => s > maxTvs)) throw new OptionError(`--steps: at most ${maxTvs} live TVs (the open-file limit ${fdLimit} and --max-tvs)`)
  } else {
    steps = (quick ? [250, 1000] : [250, 500, 1000, 2000, 4000, 8000, 16000]).filter((s) => s <= maxTvs)
    if (!quick && steps[steps.length - 1] !== maxTvs) steps.push(maxTvs)
  }
  steps = [...new Set(steps)].sort((a, b) => a - b)

  return {
    quick,
    backends: [...new Set(backends.map((b) => BACKEND_ALIASES[b]))],
    parts: { capacity: only !== 'peer', peer: only !== 'capacity' },
    steps,
    rounds: Math.floor(number('rounds', quick ? 2 : 3, 1)),
    windowS: number('window', quick ? 4 : 10, 1),
    rotateS,
    pairEveryS: number('pair-every', 500, 1),
    peerRounds: Math.floor(number('peer-rounds', quick ? 3 : 5, 2)),
    durationS: number('duration', quick ? 1 : 3, 0.2),
    concurrency: Math.floor(number('concurrency', 64, 1)),
    settleS: quick ? 1 : 2,
    warmS: quick ? 0.5 : 2,
    // The fewest pairings a poll comparison cycles through (more when a probe polls faster).
    pollPool: Math.floor(number('poll-pool', quick ? 4000 : 10_000, 100)),
    logLevel: flags.get('log-level') ?? 'warn',
    ...(flags.has('profile') ? { profileDir: flags.get('profile') } : {}),
  }
}
