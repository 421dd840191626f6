import axios, { type AxiosInstance } from 'axios'
// Values from constants only: the schema module would pull TypeBox into the TV bundle.
import { IDEMPOTENCY_KEY_HEADER, PATHS } from '../../../../core/protocol/constants'
import { signingHost } from '../../../../core/protocol/signing'
import type { CreatePairingResponse, DecisionRequest, DeviceConsentsResponse, PairingStatus, WithdrawalRequest } from '../../../../core/protocol'
import type { PlatformBridge } from '../../../platform/PlatformBridge'
import { classifyHttp, type SendResult } from './ConsentOutbox'

const DEVICE_HEADER = 'X-Miitee-Device'

/** HTTP client of the pairing service for the TV (axios; the service shares our origin by default). */
export class PairingApi {
  readonly http: AxiosInstance

  constructor(
    readonly baseUrl: string,
    private readonly bridge: PlatformBridge,
    timeoutMs = 10_000,
  ) {
    // Status codes are the protocol here: never throw on them.
    this.http = axios.create({ baseURL: baseUrl, timeout: timeoutMs, validateStatus: () => true })
  }

  private host: Promise<string> | null = null

  /**
   * The host the service names itself by (its OAuth metadata's issuer), which signed requests
   * carry: asked once, and again after a failure. The TV may reach the service by another name
   * (a proxy, a LAN alias); the signature names the service's own.
   */
  private serviceHost(): Promise<string> {
    if (!this.host) {
      this.host = this.http.get(PATHS.oauthMetadata).then((res) => {
        const issuer = res.status === 200 ? (res.data as { issuer?: unknown })?.issuer : undefined
        if (typeof issuer !== 'string') throw new PairingApiError(res.status, 'no_issuer', `the service's metadata names no issuer (HTTP ${res.status})`)
        return signingHost(issuer)
      })
      this.host.catch(() => (this.host = null))
    }
    return this.host
  }

  /** Device authentication: the OEM credential's signature, or (a dev-mode registration) the bare device id. */
  private async deviceHeaders(method: string, path: string, body: string): Promise<Record<string, string>> {
    if (this.bridge.signRequest) return this.bridge.signRequest({ method, host: await this.serviceHost(), path, body })
    return { [DEVICE_HEADER]: this.bridge.identity().id }
  }

  async createPairing(): Promise<CreatePairingResponse> {
    const body = JSON.stringify({ device_name: this.bridge.identity().name })
    const headers = { 'content-type': 'application/json', ...(await this.deviceHeaders('POST', PATHS.pairings, body)) }
    const res = await this.http.post(PATHS.pairings, body, { headers, transformRequest: (d) => d })
    if (res.status !== 201) throw new PairingApiError(res.status, res.data?.error ?? 'http_error', res.data?.message ?? `HTTP ${res.status}`)
    return res.data as CreatePairingResponse
  }

  /** Long-poll: answers at the first event newer than `after`, or after `wait` seconds. */
  async waitStatus(pairingId: string, tvToken: string, after: number, wait = 25): Promise<PairingStatus> {
    const res = await this.http.get(`${PATHS.pairing(pairingId)}?wait=${wait}&after=${after}`, {
      headers: { authorization: `Bearer ${tvToken}` },
      timeout: (wait + 10) * 1000,
    })
    if (res.status !== 200) throw new PairingApiError(res.status, res.data?.error ?? 'http_error', res.data?.message ?? `HTTP ${res.status}`)
    return res.data as PairingStatus
  }

  /** The consents this TV gave, as the service's ledger holds them (signed with the device credential). */
  async listConsents(): Promise<DeviceConsentsResponse> {
    const headers = await this.deviceHeaders('GET', PATHS.deviceConsents, '')
    const res = await this.http.get(PATHS.deviceConsents, { headers })
    if (res.status !== 200) throw new PairingApiError(res.status, res.data?.error ?? 'http_error', res.data?.message ?? `HTTP ${res.status}`)
    return res.data as DeviceConsentsResponse
  }

  /** Sends a decision or withdrawal; TV token while we have it, else the device credential. */
  async sendConsent(kind: 'decision' | 'withdrawal', pairingId: string, key: string, payload: DecisionRequest | WithdrawalRequest, tvToken?: string): Promise<SendResult> {
    const path = kind === 'decision' ? PATHS.decision(pairingId) : PATHS.withdrawal(pairingId)
    const body = JSON.stringify(payload)
    try {
      const auth = tvToken ? { authorization: `Bearer ${tvToken}` } : await this.deviceHeaders('POST', path, body)
      const res = await this.http.post(path, body, {
        headers: { 'content-type': 'application/json', [IDEMPOTENCY_KEY_HEADER]: key, ...auth },
        transformRequest: (d) => d,
      })
      const code = typeof res.data?.error === 'string' ? (res.data.error as string) : undefined
      const result = classifyHttp(res.status, res.headers['retry-after'] as string | undefined, Date.now(), code)
      if (result.outcome === 'delivered') return { ...result, body: res.data }
      return result
    } catch (err) {
      // No answer at all (offline, DNS, timeout): retry later.
      return { outcome: 'retry', reason: err instanceof Error ? err.message : 'network' }
    }
  }
}

export class PairingApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}
