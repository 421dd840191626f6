// Same-origin pages: the built TV app at `/`, the compiled policy model under `/policy/`, and
// the phone page at `/P/<token>` and `/link`: the built one (`build/phone`, its `__ASSETS__`
// filled with a relative path so it also works below a path prefix), else a placeholder
// (no script, nothing secret).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { PATHS } from '../../core/protocol'
import { ApiError } from '../errors'
import { TV_APP_CSP_DIRECTIVES, documentHeaderSetter } from '../plugins/security'
import { policyDirOf } from '../policies'

const PHONE_PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>Miitee TV · pair your phone</title>
</head>
<body>
<main>
<h1>Miitee TV</h1>
<p lang="zh-CN">手机配对页面即将上线。请暂时使用电视上显示的方式继续。</p>
<p>The phone pairing page is coming soon. Please continue on the TV for now.</p>
</main>
</body>
</html>
`

/**
 * The phone page's policy, stricter than the TV app's: it loads one script, one stylesheet and
 * JSON from its own origin and nothing else (no data:/blob: images, fonts or workers, no inline
 * anything), and its DOM code never hands strings to script sinks, so Trusted Types can be
 * required with no policy at all.
 */
export const PHONE_CSP_DIRECTIVES: Record<string, string[]> = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  requireTrustedTypesFor: ["'script'"],
  trustedTypes: ["'none'"],
}

export default async function pageRoutes(app: FastifyInstance) {
  const { staticDir } = app.config
  const https = app.publicUrl().startsWith('https:')
  const setDocumentHeaders = documentHeaderSetter({ https })
  const setTvAppHeaders = documentHeaderSetter({ https }, TV_APP_CSP_DIRECTIVES)
  // Static files are cacheable: drop the API default and let the static server set its own.
  const staticHeaders = (reply: FastifyReply) => {
    setDocumentHeaders(reply)
    reply.removeHeader('cache-control')
  }
  const setPhoneHeaders = documentHeaderSetter({ https }, PHONE_CSP_DIRECTIVES)
  const phoneAssetHeaders = (reply: FastifyReply) => {
    setPhoneHeaders(reply)
    // Fixed file names (app.js, app.css): cache, but check for a new build every time.
    reply.header('cache-control', 'no-cache')
  }
  const tvAppHeaders = (reply: FastifyReply) => {
    setTvAppHeaders(reply)
    reply.removeHeader('cache-control')
  }
  const phoneDir = join(staticDir, 'phone')
  const built = existsSync(join(phoneDir, 'index.html')) ? readFileSync(join(phoneDir, 'index.html'), 'utf8') : null
  // `/P/<token>` is one level deeper than `/link`.
  const qrPage = built ? built.split('__ASSETS__').join('../phone') : PHONE_PAGE
  const linkPage = built ? built.split('__ASSETS__').join('phone') : PHONE_PAGE
  const page = (html: string) => async (_req: unknown, reply: FastifyReply) => {
    setPhoneHeaders(reply)
    reply.header('cache-control', 'no-store').type('text/html; charset=utf-8')
    return html
  }
  const hidden = { schema: { hide: true } }
  // Dot files (.env, .git, an editor's leftovers) are never served, however the name is encoded: 404.
  const dotfiles = 'ignore' as const
  app.get(`${PATHS.qrPrefix}:token`, hidden, page(qrPage))
  app.get('/p/:token', hidden, page(qrPage))
  app.get(PATHS.link, hidden, page(linkPage))
  if (built) await app.register(fastifyStatic, { root: phoneDir, prefix: '/phone/', dotfiles, decorateReply: false, index: false, schemaHide: true, cacheControl: false, setHeaders: phoneAssetHeaders })

  const policyDir = policyDirOf(app.config)
  if (existsSync(policyDir)) {
    await app.register(fastifyStatic, { root: policyDir, prefix: '/policy/', dotfiles, decorateReply: false, index: false, schemaHide: true, setHeaders: staticHeaders })
  } else {
    app.get('/policy/*', hidden, async () => {
      throw new ApiError(404, 'policy_not_built', 'The policy model is not built yet: run `npm run build`.')
    })
  }

  if (existsSync(join(staticDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: staticDir, prefix: '/', dotfiles, index: ['index.html'], schemaHide: true, wildcard: true, setHeaders: tvAppHeaders })
  } else {
    app.get('/', hidden, async () => {
      throw new ApiError(503, 'app_not_built', 'The TV app is not built: run `npm run build` (or `npm start`, which builds it first).')
    })
  }
}
