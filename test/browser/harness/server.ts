// A tiny static server for build/, so the TV tests do not depend on the pairing service.
import { createReadStream, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { extname, join, normalize, resolve, sep } from 'node:path'

export const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
}

/** An empty same-origin page (not recorded in `requests`), used to reach an origin's storage without booting the app. */
export const BLANK_PATH = '/__harness/blank'

export interface RecordedRequest {
  url: string
  method: string
  status: number
}

export interface StaticServer {
  /** base URL with a trailing slash, e.g. http://127.0.0.1:41234/ */
  url: string
  port: number
  /** every request in arrival order (url is the path + query) */
  requests: RecordedRequest[]
  close(): Promise<void>
}

export interface StaticServerOptions {
  /** Handle a request before the file lookup (e.g. a stub API); return true when handled. */
  handle?: (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>
  /** Extra headers on every file served (e.g. the CSP a CDN sends with the TV app). */
  headers?: Record<string, string>
}

export async function startStaticServer(dir: string, options: StaticServerOptions = {}): Promise<StaticServer> {
  const root = resolve(dir)
  const requests: RecordedRequest[] = []

  const server = createServer((req, res) => {
    if (req.url === BLANK_PATH) {
      // Same-origin empty page the harness uses to clear storage; not an app request, not recorded.
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end('<!DOCTYPE html><title>blank</title>')
      return
    }
    const entry: RecordedRequest = { url: req.url ?? '/', method: req.method ?? 'GET', status: 0 }
    requests.push(entry)
    res.on('finish', () => (entry.status = res.statusCode))
    void serve(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' })
      res.end(String(err))
    })
  })

  async function serve(req: IncomingMessage, res: ServerResponse) {
    if (options.handle && (await options.handle(req, res))) return
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end()
      return
    }
    let path: string
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    } catch {
      res.writeHead(400).end()
      return
    }
    let file = normalize(join(root, path))
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end()
      return
    }
    let stat = statOrNull(file)
    if (stat?.isDirectory()) {
      file = join(file, 'index.html')
      stat = statOrNull(file)
    }
    if (!stat?.isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: ${path}`)
      return
    }
    res.writeHead(200, {
      'content-type': MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': stat.size,
      'cache-control': 'no-store',
      'access-control-allow-origin': '*',
      ...options.headers,
    })
    if (req.method === 'HEAD') res.end()
    else createReadStream(file).pipe(res)
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => ok())
  })
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    requests,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok())
        server.closeAllConnections()
      }),
  }
}

function statOrNull(path: string) {
  try {
    return statSync(path)
  } catch {
    return null
  }
}
