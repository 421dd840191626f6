// Baseline for bench/service.ts: a fastify hello-world (and a bare SSE endpoint for the
// per-connection memory baseline), run in its own process like the service.
import Fastify from 'fastify'

async function main(): Promise<void> {
  const app = Fastify({ logger: false })
  app.get('/', async () => ({ hello: 'world' }))
  app.get('/sse', (req, reply) => {
    reply.hijack()
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' })
    reply.raw.write('retry: 3000\n\nevent: status\ndata: {}\n\n')
    req.raw.socket.once('close', () => reply.raw.destroy())
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const addr = app.server.address()
  process.stdout.write(`Baseline: http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/\n`)
  const stop = () => void app.close().then(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

void main()
