// The pairing state machine (DESIGN.md §3) as the routes see it: one method per use case, each
// in its own module over the same stores.
import type { ClaimResponse, DecisionRequest, DeviceConsentsResponse, PairingStatus, Scope, WithdrawalRequest } from '../../core/protocol'
import type { PairingRecord } from '../storage/live'
import { authenticate, deviceHash, type Role } from './authentication'
import { claimPairing, type ClaimInput } from './claims'
import { createPairing, type CreatedPairing } from './creation'
import { decideOnce } from './decisions'
import { deviceConsents } from './deviceConsents'
import type { ServiceDeps } from './deps'
import { exchangeDeviceCode, type DeviceGrantToken } from './deviceGrant'
import type { IdempotentResult } from './idempotency'
import { pacePoll } from './pacing'
import { requestProvisioning } from './provisioning'
import { findPairing, loadPairing } from './records'
import { statusOf } from './status'
import { withdrawOnce } from './withdrawals'

export class PairingService {
  constructor(private readonly d: ServiceDeps) {}

  now(): number {
    return this.d.clock()
  }

  deviceHash(deviceId: string): string {
    return deviceHash(this.d, deviceId)
  }

  statusOf(rec: PairingRecord): PairingStatus {
    return statusOf(rec, this.d.clock())
  }

  /** The pairing with its deadline applied; 404 when there is none. */
  load(id: string): Promise<PairingRecord> {
    return loadPairing(this.d, id)
  }

  /** Resolves a bearer token to its pairing and role; 401 when it is not one of `roles` for `pairingId`. */
  authenticate(authorization: string | undefined, pairingId: string | null, roles: Role[]): Promise<{ pairingId: string; role: Role }> {
    return authenticate(this.d, authorization, pairingId, roles)
  }

  /** Plain-poll pacing: 429 `slow_down` when polled faster than the interval. */
  pacePoll(rec: PairingRecord, who: string): Promise<number> {
    return pacePoll(this.d, rec, who)
  }

  create(deviceId: string, deviceName: string): Promise<CreatedPairing> {
    return createPairing(this.d, deviceId, deviceName)
  }

  claim(input: ClaimInput): Promise<ClaimResponse> {
    return claimPairing(this.d, input)
  }

  requestProvisioning(pairingId: string, scopes: Scope[]): Promise<PairingStatus> {
    return requestProvisioning(this.d, pairingId, scopes)
  }

  /** Records the decision once per `Idempotency-Key` (`key`, the header's value); the TV's ownership is checked before any replay. */
  decide(pairingId: string, key: string | undefined, body: DecisionRequest, auth: { deviceHash?: string } = {}): Promise<IdempotentResult> {
    return decideOnce(this.d, pairingId, key, body, auth)
  }

  /** Records the withdrawal once per `Idempotency-Key`, as `decide`. */
  withdraw(pairingId: string, key: string | undefined, body: WithdrawalRequest, auth: { deviceHash?: string }): Promise<IdempotentResult> {
    return withdrawOnce(this.d, pairingId, key, body, auth)
  }

  /** The consents taken on the TV with this device id, from the ledger. */
  deviceConsents(deviceId: string): Promise<DeviceConsentsResponse> {
    return deviceConsents(this.d, deviceHash(this.d, deviceId))
  }

  tokenGrant(deviceCode: string, clientId: string | undefined): Promise<DeviceGrantToken> {
    return exchangeDeviceCode(this.d, deviceCode, clientId)
  }

  /** Pairing deadline check for waiters (SSE, long-poll): expires the pairing when overdue. */
  async tick(pairingId: string): Promise<void> {
    await findPairing(this.d, pairingId)
  }
}
