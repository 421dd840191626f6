// The requests a TV and a phone send to the pairing service, built the way the real clients
// build them: device requests signed with the OEM credential (HMAC over method, host, path,
// timestamp, nonce and body hash), bearer tokens, Idempotency-Key on decisions.
import { createHash, createHmac, randomBytes } from 'node:crypto'
import { DEVICE_HEADERS, OAUTH_DEVICE_CODE_GRANT, PATHS, signingInput } from '../../src/core/protocol'
import type { Req } from './load'

export interface Device {
  id: string
  secret: string
}

/** `n` device credentials, as an OEM provisions them (one per TV). */
export function makeDevices(n: number, prefix = 'bench-tv'): Device[] {
  return Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}`, secret: randomBytes(24).toString('hex') }))
}

/** The credentials file the service reads (`DEVICE_CREDENTIALS_FILE`). */
export function credentialsJson(devices: Device[]): string {
  return JSON.stringify({ devices: Object.fromEntries(devices.map((d) => [d.id, d.secret])) })
}

/** The device headers of one signed request to the service at `host` (its signing host). */
export function signHeaders(d: Device, host: string, method: string, path: string, body: string, now = Date.now()): Record<string, string> {
  const timestamp = Math.floor(now / 1000)
  const nonce = randomBytes(16).toString('base64url')
  const bodySha256 = createHash('sha256').update(body).digest('hex')
  const signature = createHmac('sha256', d.secret).update(signingInput({ method, host, path, timestamp, nonce, bodySha256 })).digest('hex')
  return {
    [DEVICE_HEADERS.device]: d.id,
    [DEVICE_HEADERS.timestamp]: String(timestamp),
    [DEVICE_HEADERS.nonce]: nonce,
    [DEVICE_HEADERS.signature]: signature,
  }
}

const JSON_TYPE = { 'content-type': 'application/json' }
const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' }

/** A TV asks for a new pairing (its QR code and user code). */
export function createPairing(d: Device, host: string, name = 'Living room TV'): Req {
  const body = JSON.stringify({ device_name: name })
  return { method: 'POST', path: PATHS.pairings, body, headers: { ...JSON_TYPE, ...signHeaders(d, host, 'POST', PATHS.pairings, body) } }
}

/** The same through the RFC 8628 device authorization endpoint (form-encoded, signed). */
export function oauthDeviceAuthorization(d: Device, host: string): Req {
  const body = new URLSearchParams({ client_id: d.id }).toString()
  return { method: 'POST', path: PATHS.deviceAuthorization, body, headers: { ...FORM_TYPE, ...signHeaders(d, host, 'POST', PATHS.deviceAuthorization, body) } }
}

/** A TV reads its pairing's status (a plain poll). */
export function statusPoll(pairingId: string, tvToken: string): Req {
  return { method: 'GET', path: PATHS.pairing(pairingId), headers: { authorization: `Bearer ${tvToken}` } }
}

/** A device-flow client polls the token endpoint with its device_code. */
export function oauthTokenPoll(deviceCode: string, clientId?: string): Req {
  const form: Record<string, string> = { grant_type: OAUTH_DEVICE_CODE_GRANT, device_code: deviceCode }
  if (clientId) form.client_id = clientId
  return { method: 'POST', path: PATHS.token, body: new URLSearchParams(form).toString(), headers: FORM_TYPE }
}

/** A phone that scanned the TV's QR claims the pairing. */
export function qrClaim(qrToken: string, phoneName = 'Bench phone'): Req {
  return { method: 'POST', path: PATHS.claims, body: JSON.stringify({ qr_token: qrToken, phone_name: phoneName }), headers: JSON_TYPE }
}

export const REQUESTED_SCOPES = ['bluetooth', 'network'] as const

/** The paired phone asks the TV for provisioning consent. */
export function provisioningRequest(pairingId: string, phoneToken: string): Req {
  return {
    method: 'POST',
    path: PATHS.provisioningRequest(pairingId),
    body: JSON.stringify({ scopes: REQUESTED_SCOPES }),
    headers: { ...JSON_TYPE, authorization: `Bearer ${phoneToken}` },
  }
}

/** The notice the decisions cite: the policy of test/server/fixtures/policy (POLICY_DIR). */
export const FIXTURE_POLICY_DIR = 'test/server/fixtures/policy'
const NOTICE = { policy_id: 'miitee-privacy-policy', policy_version: '2024-02-29', locale: 'zh-CN', policy_sha256: 'a'.repeat(64) }

/** The viewer's decision, sent by the TV signed with its device credential. */
export function signedDecision(d: Device, host: string, pairingId: string, now = Date.now()): Req {
  const path = PATHS.decision(pairingId)
  const body = JSON.stringify({
    decisions: { bluetooth: 'granted', network: 'denied' },
    notice: NOTICE,
    screen_id: 'consent-overlay',
    app_version: '0.1.0',
    device_time: new Date(now).toISOString(),
  })
  return {
    method: 'POST',
    path,
    body,
    headers: { ...JSON_TYPE, 'idempotency-key': randomBytes(12).toString('base64url'), ...signHeaders(d, host, 'POST', path, body, now) },
  }
}

/** The parts of a created pairing the clients use next. */
export interface CreatedPairing {
  id: string
  tvToken: string
  qrToken: string
  interval: number
}

export function parseCreated(body: string): CreatedPairing {
  const j = JSON.parse(body) as { pairing_id: string; tv_token: string; qr_url: string; interval: number }
  const qr = j.qr_url.slice(j.qr_url.lastIndexOf('/') + 1)
  return { id: j.pairing_id, tvToken: j.tv_token, qrToken: qr, interval: j.interval }
}
