// `npm run policy -- <file.md> [-o out.json] [--compact]`: compile one policy Markdown file and
// print the document JSON (or write it to a file). On a malformed file prints
// `file:line: CODE message` to stderr and exits 1; bad usage exits 2.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { compilePolicy, PolicyCompileError } from './policy/compiler'

const USAGE = 'usage: npm run policy -- <file.md> [-o out.json] [--compact]'

function main(argv: string[]): number {
  let input: string | undefined
  let output: string | undefined
  let compact = false
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '-o' || a === '--out') {
      output = argv[++i]
      if (!output) return usage('missing file after -o')
    } else if (a === '--compact') {
      compact = true
    } else if (a === '-h' || a === '--help') {
      process.stdout.write(USAGE + '\n')
      return 0
    } else if (a.startsWith('-') && a !== '-') {
      return usage(`unknown option ${a}`)
    } else if (input === undefined) {
      input = a
    } else {
      return usage('one input file at a time')
    }
  }
  if (input === undefined) return usage('no input file')

  let source: string
  try {
    source = readFileSync(input === '-' ? 0 : input, 'utf8')
  } catch (e) {
    process.stderr.write(`${input}: cannot read: ${(e as Error).message}\n`)
    return 1
  }
  let json: string
  try {
    const doc = compilePolicy(source, input === '-' ? '<stdin>' : input)
    json = JSON.stringify(doc, null, compact ? undefined : 2) + '\n'
  } catch (e) {
    if (e instanceof PolicyCompileError) {
      process.stderr.write(`${e.file}:${e.line}: ${e.code} ${e.reason}\n`)
      return 1
    }
    throw e
  }
  if (output === undefined) {
    process.stdout.write(json)
  } else {
    mkdirSync(dirname(output), { recursive: true })
    const tmp = `${output}.${process.pid}.tmp`
    writeFileSync(tmp, json)
    renameSync(tmp, output)
  }
  return 0
}

function usage(problem: string): number {
  process.stderr.write(`${problem}\n${USAGE}\n`)
  return 2
}

process.exitCode = main(process.argv.slice(2))
