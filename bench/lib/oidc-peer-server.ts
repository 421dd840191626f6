// The peer of `npm run bench:service`: node-oidc-provider with its device flow (RFC 8628) on
// its own in-memory adapter, one public client, run in a child process like the service.
// Prints `Peer: http://127.0.0.1:PORT/` once it listens.
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'
import { DEVICE_CODE_GRANT, PEER_CLIENT_ID } from './oidc-peer'

async function main(): Promise<void> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  // A signing key of our own, so the provider does not fall back to its published development keys.
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const provider = new Provider(`http://127.0.0.1:${port}`, {
    clients: [
      {
        client_id: PEER_CLIENT_ID,
        grant_types: [DEVICE_CODE_GRANT],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'none',
        id_token_signed_response_alg: 'ES256',
      },
    ],
    features: {
      devInteractions: { enabled: false },
      deviceFlow: { enabled: true },
    },
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), use: 'sig', kid: 'bench' }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    // The lifetime of a pairing of ours, so both hold a code as long.
    ttl: { DeviceCode: 300 },
  })
  server.on('request', provider.callback())
  process.stdout.write(`Peer: http://127.0.0.1:${port}/\n`)
  const stop = () => server.close(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

main().catch((e) => {
  process.stderr.write(`peer failed: ${(e as Error).stack ?? e}\n`)
  process.exit(1)
})
