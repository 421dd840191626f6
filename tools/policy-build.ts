// `npm run build:policy`: compile every policy/*.md into static/policy/<id>.<locale>.json and
// write static/policy/index.json, an array of {id, locale, version, sha256, path} (path relative
// to static/). All files are compiled before anything is written; on a malformed file prints
// `file:line: CODE message` to stderr and exits 1.
// Options (for tests and OEM builds): --src <dir> (default policy), --out <dir> (default static/policy).

import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import type { PolicyIndexEntry } from '../src/core/policy/index'
import type { PolicyDocument } from '../src/core/policy/model'
import { compilePolicy, PolicyCompileError } from './policy/compiler'

const ROOT = resolve(__dirname, '..')

function main(argv: string[]): number {
  let src = join(ROOT, 'policy')
  let out = join(ROOT, 'static', 'policy')
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--src' && argv[i + 1]) src = resolve(argv[++i])
    else if (argv[i] === '--out' && argv[i + 1]) out = resolve(argv[++i])
    else {
      process.stderr.write(`unknown argument ${argv[i]}\nusage: tsx tools/policy-build.ts [--src dir] [--out dir]\n`)
      return 2
    }
  }
  const files = readdirSync(src)
    .filter((f) => f.endsWith('.md'))
    .sort()
  if (files.length === 0) {
    process.stderr.write(`${src}: no policy *.md files\n`)
    return 1
  }
  const docs: Array<{ file: string; doc: PolicyDocument }> = []
  for (const f of files) {
    const path = join(src, f)
    const shown = relative(process.cwd(), path) || path
    try {
      docs.push({ file: shown, doc: compilePolicy(readFileSync(path, 'utf8'), shown) })
    } catch (e) {
      if (e instanceof PolicyCompileError) {
        process.stderr.write(`${e.file}:${e.line}: ${e.code} ${e.reason}\n`)
        return 1
      }
      throw e
    }
  }
  const seen = new Map<string, string>()
  for (const { file, doc } of docs) {
    const key = `${doc.id}.${doc.locale}`
    const other = seen.get(key)
    if (other) {
      process.stderr.write(`${file}:1: POLICY_DUPLICATE_POLICY ${key} is also compiled from ${other}\n`)
      return 1
    }
    seen.set(key, file)
  }
  mkdirSync(out, { recursive: true })
  const index: PolicyIndexEntry[] = []
  for (const { doc } of docs) {
    const name = `${doc.id}.${doc.locale}.json`
    writeAtomic(join(out, name), JSON.stringify(doc) + '\n')
    index.push({ id: doc.id, locale: doc.locale, version: doc.version, sha256: doc.sha256, path: `policy/${name}` })
  }
  index.sort((a, b) => (a.id + '\0' + a.locale < b.id + '\0' + b.locale ? -1 : 1))
  writeAtomic(join(out, 'index.json'), JSON.stringify(index, null, 2) + '\n')
  for (const e of index) process.stdout.write(`${e.path} ${e.version} ${e.sha256}\n`)
  return 0
}

function writeAtomic(path: string, data: string): void {
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, data)
  renameSync(tmp, path)
}

process.exitCode = main(process.argv.slice(2))
