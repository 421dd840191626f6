// Where a process spent its CPU: self time by function and by module from the V8 CPU profiles
// that `node --cpu-prof` writes (the service is started so with `--profile DIR`).
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
}
interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const IDLE = new Set(['(idle)', '(program)'])

/** The module a script URL belongs to: a package, a file of ours, or Node's internals. */
export function moduleOf(url: string, root: string): string {
  if (!url) return '(native / V8)'
  if (url.startsWith('node:')) return 'node internals'
  const path = url.replace(/^file:\/\//, '')
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)
  if (pkg) return pkg[1]
  return relative(root, path)
}

export interface SelfTime {
  name: string
  ms: number
  share: number
}

/** Self time (ms, share of busy time) by function and by module over every profile in `dir`. */
export function summarizeProfiles(dir: string, root: string, top = 12): { busyMs: number; functions: SelfTime[]; modules: SelfTime[] } {
  const byFn = new Map<string, number>()
  const byModule = new Map<string, number>()
  let busy = 0
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.cpuprofile'))) {
    const p = JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile
    const nodes = new Map(p.nodes.map((n) => [n.id, n]))
    p.samples.forEach((id, i) => {
      const n = nodes.get(id)
      if (!n || IDLE.has(n.callFrame.functionName)) return
      const ms = (p.timeDeltas[i] ?? 0) / 1000
      const cf = n.callFrame
      const mod = cf.functionName === '(garbage collector)' ? '(garbage collector)' : moduleOf(cf.url, root)
      const fn = `${cf.functionName || '(anonymous)'} ${mod}:${cf.lineNumber + 1}`
      byFn.set(fn, (byFn.get(fn) ?? 0) + ms)
      byModule.set(mod, (byModule.get(mod) ?? 0) + ms)
      busy += ms
    })
  }
  const rank = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms, share: busy ? ms / busy : 0 }))
  return { busyMs: busy, functions: rank(byFn), modules: rank(byModule) }
}
