// Child processes for the benchmark: start, wait for the printed URL, read RSS, stop.
import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

export interface Proc {
  child: ChildProcess
  port: number
  /** The last lines the process wrote (for failure reports). */
  tail(): string
  rssKb(): number
  stop(): Promise<void>
}

/**
 * Spawns `node [nodeArgs] --import tsx <script>` and resolves with the port of the first
 * `Miitee TV: http://…:PORT/` or `Peer: http://…:PORT/` line it prints.
 */
export function startProc(script: string, env: Record<string, string>, cwd: string, nodeArgs: string[] = []): Promise<Proc> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let last = ''
  const keep = (d: Buffer) => {
    last = (last + d.toString()).slice(-4000)
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start:\n${out}`)), 30_000)
    const onData = (d: Buffer) => {
      keep(d)
      if (out.length < 100_000) out += d.toString()
      const m = /(?:Miitee TV|Peer): http:\/\/(?:localhost|127\.0\.0\.1):(\d+)\//.exec(out)
      if (m && timer) {
        clearTimeout(timer)
        resolve({
          child,
          port: Number(m[1]),
          tail: () => last,
          rssKb: () => rssKb(child.pid as number),
          stop: () =>
            new Promise<void>((r) => {
              if (child.exitCode !== null) return r()
              const kill = setTimeout(() => child.kill('SIGKILL'), 15_000)
              child.once('exit', () => {
                clearTimeout(kill)
                r()
              })
              child.kill('SIGTERM')
            }),
        })
      }
    }
    // Keep draining both pipes so the child never blocks on a full pipe.
    child.stdout?.on('data', onData)
    child.stderr?.on('data', (d: Buffer) => {
      keep(d)
      if (out.length < 100_000) out += d.toString()
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${script} exited (${code}):\n${out}`))
    })
  })
}

export function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) : NaN
}

/** CPU time (user + system) the process has used, in milliseconds. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
}

/** CPU time of a process and its direct children (PostgreSQL's postmaster and backends), ms. */
export function treeCpuMs(pid: number): number {
  let total = 0
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    let stat: string
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8')
    } catch {
      continue // gone meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (Number(name) === pid || Number(fields[1]) === pid) total += ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
  }
  return total
}

/** CPU time every core of the machine has been busy (not idle, not waiting on I/O), ms. */
export function machineBusyMs(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
  const [user, nice, system, , , irq, softirq, steal] = f
  return ((user + nice + system + irq + softirq + (steal ?? 0)) * 1000) / 100
}

/** CPU this process (the load generator) has used, ms. */
export function selfCpuMs(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

/**
 * Starts measuring how many cores processes other than `ours` (CPU ms of the measured
 * processes) and this one kept busy; stop() gives the cores over the span it was given.
 */
export function otherLoad(ours: () => number): { stop(spanMs: number): number } {
  const m0 = machineBusyMs()
  const o0 = ours() + selfCpuMs()
  return {
    stop(spanMs) {
      const others = machineBusyMs() - m0 - (ours() + selfCpuMs() - o0)
      return Math.max(0, others / spanMs)
    },
  }
}
