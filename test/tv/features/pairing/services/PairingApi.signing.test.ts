// The TV's pairing client signs for the host the service names itself by (its OAuth issuer), so
// its signed requests verify even when the TV reaches the service by another address.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signRequest } from '../../../../../src/core/protocol'
import { nodeSigningCrypto } from '../../../../../src/server/crypto'
import { PairingApi } from '../../../../../src/tv/features/pairing/services/PairingApi'
import type { PlatformBridge, SignableRequest } from '../../../../../src/tv/platform/PlatformBridge'
import { DEVICE_ID, DEVICE_SECRET, nonce, startServer, type TestServer } from '../../../../server/helpers'

/** A bridge that signs the way an OEM's firmware would, and remembers what it was asked to sign. */
function signingBridge(s: TestServer, asked: SignableRequest[]): PlatformBridge {
  const store = new Map<string, string>()
  return {
    identity: () => ({ id: DEVICE_ID, name: 'Living room TV' }),
    storage: () => ({ get: (k) => store.get(k) ?? null, set: (k, v) => void store.set(k, v), remove: (k) => void store.delete(k), clear: () => store.clear() }),
    provisioningAuthorized: () => {},
    signRequest: (req) => {
      asked.push(req)
      return signRequest({ ...req, deviceId: DEVICE_ID, secret: DEVICE_SECRET, timestamp: Math.floor(s.clock.now() / 1000), nonce: nonce() }, nodeSigningCrypto)
    },
  }
}

describe('PairingApi with a signing bridge', () => {
  let s: TestServer
  let alias: http.Server
  let aliasUrl: string
  beforeAll(async () => {
    s = await startServer()
    // Another address for the same service (a LAN alias, a proxy): it forwards every request.
    alias = http.createServer((req, res) => {
      const up = http.request({ host: '127.0.0.1', port: s.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers)
        r.pipe(res)
      })
      req.pipe(up)
    })
    await new Promise<void>((r) => alias.listen(0, '127.0.0.1', () => r()))
    aliasUrl = `http://localhost:${(alias.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    alias.close()
    await s.close()
  })

  it('signs for the issuer host, and the service takes its pairing creation and its tokenless decision relay', async () => {
    const asked: SignableRequest[] = []
    const api = new PairingApi(aliasUrl, signingBridge(s, asked))
    const created = await api.createPairing()
    expect(created.pairing_id).toMatch(/^p_/)
    expect(asked[0]).toMatchObject({ method: 'POST', path: '/v1/pairings', host: new URL(s.config.publicUrl!).host })
    expect(asked[0].host).not.toBe(new URL(aliasUrl).host)
    // No pending request: the relay is authenticated (409 invalid_state, not 401).
    const sent = await api.sendConsent('withdrawal', created.pairing_id, 'k-1', { screen_id: 'privacy', app_version: '0.1.0', device_time: '2030-01-01T00:00:00.000Z' })
    expect(sent).toMatchObject({ outcome: 'final', code: 'nothing_to_withdraw' })
    expect(asked).toHaveLength(2)
  })

  it('an unreachable service is a retry for the outbox, not a crash, and the host is asked again next time', async () => {
    const api = new PairingApi('http://127.0.0.1:9', signingBridge(s, []), 1000)
    const r = await api.sendConsent('decision', 'p_xxxxxxxxxxxxxxxxxxxxxx', 'k-2', {} as never)
    expect(r.outcome).toBe('retry')
  })
})
