// Same-origin pages: the built TV app at `/`, the compiled policy model under `/policy/`,
// and placeholders for the phone page at `/P/<token>` and `/link` (no script, nothing secret).
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import { PATHS } from '../../core/protocol'
import type { AppContext } from '../context'
import { ApiError } from '../errors'

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

export default async function pageRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { staticDir } = opts.ctx.config
  const sendPhonePage = async (_req: unknown, reply: import('fastify').FastifyReply) => {
    reply.header('cache-control', 'no-store').type('text/html; charset=utf-8')
    return PHONE_PAGE
  }
  const hidden = { schema: { hide: true } }
  app.get(`${PATHS.qrPrefix}:token`, hidden, sendPhonePage)
  app.get('/p/:token', hidden, sendPhonePage)
  app.get(PATHS.link, hidden, sendPhonePage)

  const policyDir = join(staticDir, 'static', 'policy')
  if (existsSync(policyDir)) {
    await app.register(fastifyStatic, { root: policyDir, prefix: '/policy/', decorateReply: false, index: false, schemaHide: true })
  } else {
    app.get('/policy/*', hidden, async () => {
      throw new ApiError(404, 'policy_not_built', 'The policy model is not built yet: run `npm run build`.')
    })
  }

  if (existsSync(join(staticDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: staticDir, prefix: '/', index: ['index.html'], schemaHide: true, wildcard: true })
  } else {
    app.get('/', hidden, async () => {
      throw new ApiError(503, 'app_not_built', 'The TV app is not built: run `npm run build` (or `npm start`, which builds it first).')
    })
  }
}
