// @vitest-environment jsdom
// Without fetch (WebKit 602, Chrome < 42) a body comes through XMLHttpRequest with the same
// status and text fetch would give, and a network failure rejects as fetch's does.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { requestBody, xhrBody } from '../../../../src/tv/startup/legacy/requestBody'

let server: Server
let base = ''

beforeAll(async () => {
  server = createServer((req, res) => {
    const headers = { 'access-control-allow-origin': '*', 'content-type': 'application/json; charset=utf-8' }
    if (req.url === '/policy.json') res.writeHead(200, headers).end('{"title":"隐私政策"}')
    else res.writeHead(404, headers).end('not found')
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((ok) => server.close(() => ok())))
afterEach(() => vi.unstubAllGlobals())

describe('requestBody without fetch', () => {
  it('reads a 200 body as text (UTF-8) through XMLHttpRequest', async () => {
    vi.stubGlobal('fetch', undefined)
    await expect(requestBody(`${base}/policy.json`)).resolves.toEqual({ ok: true, status: 200, text: '{"title":"隐私政策"}' })
  })

  it('gives a 404 as not ok with its status and body, as fetch does', async () => {
    await expect(xhrBody(`${base}/missing.json`)).resolves.toEqual({ ok: false, status: 404, text: 'not found' })
  })

  it('rejects when nothing answers', async () => {
    const closed = createServer()
    await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((ok) => closed.close(() => ok()))
    await expect(xhrBody(`http://127.0.0.1:${port}/x.json`)).rejects.toThrow(/network error/)
  })

  it('uses fetch where the engine has it', async () => {
    const fetch = vi.fn(async () => new Response('ok', { status: 201 }))
    vi.stubGlobal('fetch', fetch)
    await expect(requestBody(`${base}/policy.json`)).resolves.toEqual({ ok: true, status: 201, text: 'ok' })
    expect(fetch).toHaveBeenCalledTimes(1)
  })

  it('reads a packaged app’s file: URL through XMLHttpRequest even where fetch exists', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'miitee-file-'))
    try {
      writeFileSync(join(dir, 'index.json'), '{"policies":[]}')
      const fetch = vi.fn(async () => new Response('', { status: 0 }))
      vi.stubGlobal('fetch', fetch)
      const body = await requestBody(pathToFileURL(join(dir, 'index.json')).href)
      expect(body).toEqual({ ok: true, status: 200, text: '{"policies":[]}' })
      expect(fetch).not.toHaveBeenCalled()
      await expect(requestBody(pathToFileURL(join(dir, 'missing.json')).href)).rejects.toThrow(/network error/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
