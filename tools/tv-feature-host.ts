// What the TV's first bundle exposes to feature bundles (src/tv/features/hostModules.ts), read
// from the source: the module imports Lightning, so it is not run at build time.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

const ROOT = resolve(__dirname, '..')

/** The keys of HOST_MODULES, read from the source (it imports Lightning, so it is not run here). */
export function hostModuleKeys(root = ROOT): Set<string> {
  const src = readFileSync(join(root, 'src/tv/features/hostModules.ts'), 'utf8')
  const block = src.slice(src.indexOf('HOST_MODULES'))
  return new Set([...block.slice(0, block.indexOf('}')).matchAll(/^\s*'([^']+)':/gm)].map((m) => m[1]))
}

export function hostGlobal(root = ROOT): string {
  const m = /HOST_MODULES_GLOBAL = '([^']+)'/.exec(readFileSync(join(root, 'src/tv/features/hostModules.ts'), 'utf8'))
  if (!m) throw new Error('src/tv/features/hostModules.ts: HOST_MODULES_GLOBAL not found')
  return m[1]
}
