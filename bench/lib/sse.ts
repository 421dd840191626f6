// Idle server-sent-event connections over raw sockets (the lightest client), opened in batches.
import net from 'node:net'

export interface IdleStreams {
  sockets: net.Socket[]
  close(): void
}

/** Opens one stream per path/token pair; resolves once each has received `marker`. */
export async function openIdleStreams(port: number, targets: { path: string; token?: string }[], marker: string, batch = 200): Promise<IdleStreams> {
  const sockets: net.Socket[] = []
  for (let i = 0; i < targets.length; i += batch) {
    await Promise.all(
      targets.slice(i, i + batch).map(
        (t) =>
          new Promise<void>((resolve, reject) => {
            const s = net.connect({ host: '127.0.0.1', port })
            let seen = ''
            let done = false
            const timer = setTimeout(() => reject(new Error('stream did not open in time')), 30_000)
            s.on('error', (e) => (done ? undefined : reject(e)))
            s.on('data', (d: Buffer) => {
              if (done) return
              seen += d.toString('latin1')
              if (seen.includes(marker)) {
                done = true
                seen = ''
                clearTimeout(timer)
                resolve()
              } else if (/^HTTP\/1\.1 [^2]/.test(seen)) reject(new Error(`stream refused: ${seen.split('\r\n')[0]}`))
            })
            s.write(
              `GET ${t.path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n${t.token ? `Authorization: Bearer ${t.token}\r\n` : ''}\r\n`,
            )
            sockets.push(s)
          }),
      ),
    )
  }
  return {
    sockets,
    close() {
      for (const s of sockets) s.destroy()
    },
  }
}
