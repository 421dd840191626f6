// The peer side of the comparison: starts bench/lib/oidc-peer-server.ts (node-oidc-provider,
// device flow, in-memory adapter) and builds the requests a device-flow client sends it.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Req } from './load'
import { startProc, type Proc } from './procs'

export const PEER_CLIENT_ID = 'bench-tv'
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

export interface Peer {
  proc: Proc
  port: number
  /** `oidc-provider <version>`. */
  label: string
  stop(): Promise<void>
}

export async function startPeer(root: string): Promise<Peer> {
  const proc = await startProc('bench/lib/oidc-peer-server.ts', { NODE_ENV: 'production' }, root)
  const version = (JSON.parse(readFileSync(join(root, 'node_modules/oidc-provider/package.json'), 'utf8')) as { version: string }).version
  return { proc, port: proc.port, label: `oidc-provider ${version}`, stop: () => proc.stop() }
}

/** RFC 8628 §3.1 device authorization request of the public client. */
export function peerDeviceAuthorization(): Req {
  return { method: 'POST', path: '/device/auth', body: `client_id=${PEER_CLIENT_ID}`, headers: FORM }
}

/** RFC 8628 §3.4 token request while the user has not approved yet. */
export function peerTokenPoll(deviceCode: string): Req {
  const body = new URLSearchParams({ grant_type: DEVICE_CODE_GRANT, device_code: deviceCode, client_id: PEER_CLIENT_ID }).toString()
  return { method: 'POST', path: '/token', body, headers: FORM }
}

/** The device_code of a device authorization answer, if it is one. */
export function deviceCodeOf(body: string): string | undefined {
  try {
    const j = JSON.parse(body) as { device_code?: unknown }
    return typeof j.device_code === 'string' ? j.device_code : undefined
  } catch {
    return undefined
  }
}

/** The answer a token poll gets while the code waits for its user (RFC 8628 §3.5). */
export function isAuthorizationPending(status: number, body: string): boolean {
  return status === 400 && body.includes('"authorization_pending"')
}
