// Static files: dot files under the TV app, the phone assets and the policy are never served,
// whatever the encoding of the name.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request, startServer, type TestServer } from './helpers'

describe('static files never serve dot files', () => {
  let s: TestServer
  beforeAll(async () => {
    const probe = await startServer()
    const dir = join(probe.dataDir, 'build')
    await probe.close()
    mkdirSync(join(dir, 'static', 'policy'), { recursive: true })
    mkdirSync(join(dir, 'phone'), { recursive: true })
    mkdirSync(join(dir, '.git'), { recursive: true })
    writeFileSync(join(dir, 'index.html'), '<!DOCTYPE html><title>tv</title>')
    writeFileSync(join(dir, '.env'), 'SERVER_SECRET=leaked')
    writeFileSync(join(dir, '.git', 'config'), '[core] leaked')
    writeFileSync(join(dir, 'phone', 'index.html'), '<!DOCTYPE html><script src="__ASSETS__/app.js"></script>')
    writeFileSync(join(dir, 'phone', 'app.js'), 'void 0')
    writeFileSync(join(dir, 'phone', '.secret'), 'leaked')
    writeFileSync(join(dir, 'static', 'policy', 'index.json'), '[]')
    writeFileSync(join(dir, 'static', 'policy', '.draft.json'), '{"leaked":true}')
    s = await startServer({ config: { staticDir: dir, policyDir: null } })
  })
  afterAll(async () => {
    await s?.close()
  })

  it.each(['/.env', '/%2eenv', '/%2Eenv', '/.git/config', '/phone/.secret', '/phone/%2esecret', '/policy/.draft.json', '/policy/%2edraft.json', '/static/policy/.draft.json'])(
    '%s is 404 and leaks nothing',
    async (path) => {
      const r = await request(s, 'GET', path)
      expect(r.status).toBe(404)
      expect(r.text).not.toContain('leaked')
      expect(r.json?.error).toBe('not_found')
    },
  )

  it('ordinary files next to them are still served', async () => {
    expect((await request(s, 'GET', '/')).status).toBe(200)
    expect((await request(s, 'GET', '/phone/app.js')).status).toBe(200)
    expect((await request(s, 'GET', '/policy/index.json')).status).toBe(200)
  })
})
