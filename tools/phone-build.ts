// `npm run build:phone`: the phone page (src/phone) → build/phone/{index.html, app.js, app.css}.
// One script and one stylesheet, minified, no source maps in the output directory the service
// serves. The HTML refers to them through __ASSETS__, which the service fills in per route so
// the page also works below a path prefix.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { join, resolve } from 'node:path'
import { build } from 'esbuild'

const ROOT = resolve(__dirname, '..')

export interface PhoneBuildResult {
  outDir: string
  files: { name: string; bytes: number; gzip: number }[]
}

export async function buildPhone(outDir = join(ROOT, 'build', 'phone')): Promise<PhoneBuildResult> {
  rmSync(outDir, { recursive: true, force: true })
  mkdirSync(outDir, { recursive: true })
  const common = {
    bundle: true,
    minify: true,
    legalComments: 'none' as const,
    logLevel: 'warning' as const,
    absWorkingDir: ROOT,
  }
  await build({
    ...common,
    entryPoints: [join(ROOT, 'src/phone/main.ts')],
    outfile: join(outDir, 'app.js'),
    format: 'iife',
    platform: 'browser',
    // Phone browsers of the last years: String.prototype.matchAll (policy links) needs Chrome 73,
    // and esbuild cannot lower destructuring for Safari before 14.1.
    target: ['es2019', 'chrome73', 'safari14.1', 'ios14.5', 'firefox67'],
    charset: 'utf8',
  })
  await build({
    ...common,
    entryPoints: [join(ROOT, 'src/phone/app.css')],
    outfile: join(outDir, 'app.css'),
    target: ['chrome73', 'safari14.1', 'ios14.5', 'firefox67'],
    charset: 'utf8',
  })
  const html = readFileSync(join(ROOT, 'src/phone/index.html'), 'utf8')
  if (!html.includes('__ASSETS__/app.js') || !html.includes('__ASSETS__/app.css')) throw new Error('src/phone/index.html must load __ASSETS__/app.js and __ASSETS__/app.css')
  if (/<script(?![^>]*\bsrc=)[^>]*>/i.test(html) || /\sstyle=/i.test(html) || /\son[a-z]+=/i.test(html)) throw new Error('src/phone/index.html: no inline script, style attribute or event handler (CSP)')
  writeFileSync(join(outDir, 'index.html'), html)
  const files = ['index.html', 'app.js', 'app.css'].map((name) => {
    const buf = readFileSync(join(outDir, name))
    return { name, bytes: statSync(join(outDir, name)).size, gzip: gzipSync(buf, { level: 9 }).length }
  })
  return { outDir, files }
}

if (require.main === module) {
  buildPhone().then(
    (r) => {
      for (const f of r.files) process.stdout.write(`build/phone/${f.name}  ${f.bytes} B  (${f.gzip} B gzip)\n`)
    },
    (e) => {
      process.stderr.write(`phone build failed: ${(e as Error).message}\n`)
      process.exit(1)
    },
  )
}
