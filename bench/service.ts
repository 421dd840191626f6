// `npm run bench:service`: the capacity of one pairing-service process under a realistic mix of
// live TVs, stepped up until a step is not held, and the device-flow operations beside a peer
// (node-oidc-provider) measured in the same run; for each storage backend. Tables go to stdout,
// progress to stderr. Options and how to read the tables: docs/scaling.md.
import { spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { POLL_INTERVAL } from '../src/core/protocol'
import { runCapacity } from './lib/capacity'
import { capacityTable } from './lib/capacity-table'
import { summarizeProfiles } from './lib/cpu-profile'
import { startPeer } from './lib/oidc-peer'
import { comparePeer } from './lib/peer-operations'
import { peerTable } from './lib/peer-table'
import { makeDevices } from './lib/protocol-requests'
import { ServiceMix } from './lib/service-mix'
import { fdCapTvs, OptionError, parseOptions, type ServiceBenchOptions } from './lib/service-options'
import { openBackend, startService, type Backend } from './lib/service-proc'

const ROOT = resolve(__dirname, '..')
const log = (m: string) => process.stderr.write(`${m}\n`)
const print = (lines: string[]) => process.stdout.write(`\n${lines.join('\n')}\n`)

function fdLimit(hard = false): number {
  const r = spawnSync('sh', ['-c', hard ? 'ulimit -Hn' : 'ulimit -n'], { encoding: 'utf8' })
  const v = r.stdout.trim()
  return v === 'unlimited' ? 1_048_576 : Number(v)
}

// Every live TV holds two connections on each side: run under the highest open-file limit allowed.
if (fdLimit() < fdLimit(true) && !process.env.MIITEE_BENCH_ULIMIT) {
  const cmd = `ulimit -n $(ulimit -Hn); exec "$0" --import tsx "$@"`
  const r = spawnSync('bash', ['-c', cmd, process.execPath, __filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, MIITEE_BENCH_ULIMIT: '1' },
  })
  process.exit(r.status ?? 1)
}

function profileArgs(o: ServiceBenchOptions, name: string): string[] {
  if (!o.profileDir) return []
  const dir = resolve(o.profileDir, name)
  mkdirSync(dir, { recursive: true })
  return ['--cpu-prof', '--cpu-prof-dir', dir]
}

async function capacity(o: ServiceBenchOptions, backend: Backend): Promise<void> {
  const devices = makeDevices(o.steps[o.steps.length - 1])
  // Every TV of the mix connects from 127.0.0.1: the per-address stream cap would stop at 64.
  const svc = await startService(ROOT, await backend.env(0), {
    devices,
    env: { MAX_STREAMS_PER_ADDRESS: '1000000' },
    logLevel: o.logLevel,
    nodeArgs: profileArgs(o, `${backend.name}-capacity`),
  })
  const profile = { rotateS: o.rotateS, pairEveryS: o.pairEveryS, pushTimeoutMs: 10_000 }
  const mix = new ServiceMix({ port: svc.port, host: svc.host, devices, profile })
  try {
    const steps = await runCapacity(mix, { servicePid: svc.proc.child.pid as number, storePids: backend.pids }, { steps: o.steps, rounds: o.rounds, windowS: o.windowS, settleS: o.settleS }, log)
    const limit = fdLimit()
    print([
      ...capacityTable(steps, { backend: backend.label, profile, pollIntervalS: POLL_INTERVAL, rounds: o.rounds, windowS: o.windowS, fdCap: { tvs: fdCapTvs(limit), limit } }),
      `(the service's limits at their defaults but MAX_STREAMS_PER_ADDRESS, since every TV here connects from 127.0.0.1; the load generator shares the 2 cores${backend.pids.length ? ', and so do Redis and PostgreSQL' : ''})`,
    ])
  } catch (e) {
    log(`the service's last output:\n${svc.proc.tail()}`)
    throw e
  } finally {
    await mix.stop()
    await svc.stop()
  }
}

async function peer(o: ServiceBenchOptions, backend: Backend): Promise<void> {
  const devices = makeDevices(256, 'bench-peer')
  // One pool of pairings polled flat out: the interval at its minimum, creation not limited per device.
  const svc = await startService(ROOT, await backend.env(1), {
    devices,
    env: { POLL_INTERVAL_SECONDS: '1', LIMIT_PAIRINGS_PER_DEVICE: '100000000' },
    logLevel: o.logLevel,
    nodeArgs: profileArgs(o, `${backend.name}-peer`),
  })
  const p = await startPeer(ROOT)
  try {
    const rounds = { rounds: o.peerRounds, durationMs: o.durationS * 1000, concurrency: o.concurrency, warmMs: o.warmS * 1000 }
    const results = await comparePeer(
      { port: svc.port, pid: svc.proc.child.pid as number, storePids: backend.pids, host: svc.host, devices },
      { port: p.port, pid: p.proc.child.pid as number },
      { ...rounds, pollPool: o.pollPool, probe: o.quick ? 1000 : 2000, peerPollPool: 200 },
      log,
    )
    print([
      ...peerTable(results, { peer: p.label, backend: backend.label, rounds: o.peerRounds, durationS: o.durationS, concurrency: o.concurrency }),
      '(service: POLL_INTERVAL_SECONDS=1 and LIMIT_PAIRINGS_PER_DEVICE raised, so one pool of pairings can be polled flat out; the peer enforces neither pacing nor a per-device limit)',
    ])
  } catch (e) {
    log(`the service's last output:\n${svc.proc.tail()}\nthe peer's last output:\n${p.proc.tail()}`)
    throw e
  } finally {
    await p.stop()
    await svc.stop()
  }
}

function printProfiles(o: ServiceBenchOptions): void {
  if (!o.profileDir) return
  for (const b of o.backends)
    for (const part of ['capacity', 'peer']) {
      const dir = join(resolve(o.profileDir), `${b}-${part}`)
      let s
      try {
        s = summarizeProfiles(dir, ROOT)
      } catch {
        continue
      }
      const pct = (x: { share: number }) => `${(x.share * 100).toFixed(1)}%`.padStart(6)
      print([
        `CPU profile of the service (${b}, ${part}): ${(s.busyMs / 1000).toFixed(1)} s busy; self time by module, then by function (profiles in ${dir})`,
        ...s.modules.map((m) => `  ${pct(m)}  ${m.name}`),
        '',
        ...s.functions.map((f) => `  ${pct(f)}  ${f.name}`),
      ])
    }
}

async function main(): Promise<void> {
  let o: ServiceBenchOptions
  try {
    o = parseOptions(process.argv.slice(2), fdLimit())
  } catch (e) {
    if (!(e instanceof OptionError)) throw e
    log(`bench:service: ${e.message}`)
    process.exit(2)
  }
  const started = Date.now()
  log(`bench:service${o.quick ? ' --quick' : ''}: ${o.backends.join(', ')}; capacity steps ${o.steps.join(', ')} live TVs`)
  for (const name of o.backends) {
    const backend = await openBackend(name, log)
    try {
      if (o.parts.capacity) await capacity(o, backend)
      if (o.parts.peer) await peer(o, backend)
    } finally {
      await backend.stop()
    }
  }
  printProfiles(o)
  log(`bench:service: done in ${((Date.now() - started) / 1000).toFixed(0)} s`)
}

main().catch((e) => {
  log(`bench:service failed: ${(e as Error).stack ?? e}`)
  process.exit(1)
})
