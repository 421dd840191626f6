// What the TV's first bundle exposes to feature bundles (src/tv/features/hostModules.ts), read
// from the source: the module imports Lightning, so it is not run at build time.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

const ROOT = resolve(__dirname, '..')

export interface HostModules {
  /** The keys of HOST_MODULES. */
  keys: Set<string>
  /** HOST_MODULES_GLOBAL: the global the feature bundle reads them from. */
  global: string
}

export function readHostModules(root = ROOT): HostModules {
  const src = readFileSync(join(root, 'src/tv/features/hostModules.ts'), 'utf8')
  const global = /HOST_MODULES_GLOBAL = '([^']+)'/.exec(src)
  if (!global) throw new Error('src/tv/features/hostModules.ts: HOST_MODULES_GLOBAL not found')
  const block = src.slice(src.indexOf('HOST_MODULES'))
  const keys = new Set([...block.slice(0, block.indexOf('}')).matchAll(/^\s*'([^']+)':/gm)].map((m) => m[1]))
  return { keys, global: global[1] }
}
