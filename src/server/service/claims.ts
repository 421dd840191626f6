// A phone claims a pairing with the QR token or the user code. Typed codes spend a guessing
// budget (claimLimits.ts); every claim counts against its pairing's limit. A second claimant
// means the TV's screen was seen by someone else: a QR token presented again, or either secret
// after a claim made with the other, cancels a pairing under way (revocation.ts). Each claimant
// is told what happened: cancelled now, or how the pairing had already ended.
import { formatUserCode, normalizeQrToken, normalizeUserCode, type ClaimResponse } from '../../core/protocol'
import { randomToken, userCodeFrom } from '../crypto'
import { ApiError } from '../errors'
import type { PairingRecord } from '../storage/live'
import { countUserCodeGuess } from './claimLimits'
import type { ServiceDeps } from './deps'
import { FINAL, loadPairing } from './records'
import { rateLimited } from './refusals'
import { revokeForSafety } from './revocation'
import { iso, statusEvent } from './status'

export interface ClaimInput {
  qrToken?: string
  userCode?: string
  phoneName: string
  ip: string
}

type Secret = 'qr' | 'user_code'

export async function claimPairing(d: ServiceDeps, input: ClaimInput): Promise<ClaimResponse> {
  const cfg = d.config
  if ((input.qrToken === undefined) === (input.userCode === undefined))
    throw new ApiError(400, 'invalid_request', 'Send exactly one of qr_token and user_code.', { field: input.qrToken === undefined ? '/user_code' : '/qr_token' })

  const h = d.hasher
  let pairingId: string
  let userCode: string
  let secret: Secret
  /** False for a QR token presented before: it can never claim. */
  let canClaim = true
  if (input.qrToken !== undefined) {
    const token = normalizeQrToken(input.qrToken)
    if (!token) throw new ApiError(404, 'invalid_code', 'This pairing link is not valid. Scan the code on the TV again.', { field: '/qr_token' })
    const used = await d.live.useToken('qr', h.hash('qr', token))
    if (!used) throw new ApiError(404, 'invalid_code', 'This pairing link is not valid or has ended. Scan the code on the TV again.', { field: '/qr_token' })
    pairingId = used.pairingId
    userCode = userCodeFrom(h.deriveBytes('user_code', token))
    secret = 'qr'
    canClaim = used.firstUse
  } else {
    const code = normalizeUserCode(input.userCode as string)
    if (!code) throw new ApiError(400, 'invalid_code', 'A code has 8 letters from BCDFGHJKLMNPQRSTVWXZ, like WDJB-MJHT.', { field: '/user_code' })
    await countUserCodeGuess(d, input.ip)
    const entry = await d.live.getToken('user_code', h.hash('user_code', code))
    if (!entry) throw new ApiError(404, 'invalid_code', 'No TV shows this code. Check the code on the TV screen.', { field: '/user_code' })
    pairingId = entry.pairingId
    userCode = code
    secret = 'user_code'
  }
  await countPairingClaim(d, pairingId)

  for (let attempt = 0; attempt < 5; attempt++) {
    const rec = await loadPairing(d, pairingId)
    if (rec.state !== 'created' || !canClaim) return refuseLaterClaim(d, rec, secret)
    const phoneToken = randomToken()
    await d.live.addToken('phone', h.hash('phone', phoneToken), pairingId)
    const now = d.clock()
    const expiresAt = now + cfg.claimedTtlS * 1000
    const next: PairingRecord = { ...rec, state: 'claimed', phoneName: input.phoneName, claimedWith: secret, expiresAt, purgeAt: expiresAt + cfg.retentionS * 1000 }
    const r = await d.live.casPairing(pairingId, rec.version, next, statusEvent('claimed', d.clock))
    if (r.ok && r.record)
      return {
        pairing_id: pairingId,
        phone_token: phoneToken,
        tv_name: r.record.tvName,
        user_code: formatUserCode(userCode),
        state: r.record.state,
        expires_at: iso(r.record.expiresAt),
        server_time: iso(d.clock()),
      }
  }
  throw new ApiError(503, 'unavailable', 'The pairing kept changing; try again.')
}

async function countPairingClaim(d: ServiceDeps, pairingId: string): Promise<void> {
  const lim = await d.live.incr(`limit:claim:pairing:${pairingId}`, (d.config.pairingTtlS + d.config.claimedTtlS) * 1000)
  if (lim.count > d.config.limits.claimsPerPairing) throw rateLimited(lim.resetAt - d.clock(), 'Too many attempts to pair with this TV; start again on the TV.')
}

/** A claim that cannot take the pairing: a second claimant of one under way cancels it; otherwise the pairing's end is told. */
async function refuseLaterClaim(d: ServiceDeps, rec: PairingRecord, secret: Secret): Promise<never> {
  if (FINAL.includes(rec.state)) throw endedError(rec)
  // Typing the code a phone already claimed with is how a phone retries a typed claim whose
  // answer was lost; it changes nothing.
  if (secret === 'user_code' && rec.claimedWith !== 'qr') throw alreadyClaimed()
  const why = secret === 'qr' ? 'QR token presented by a second claimant' : 'user code presented after a QR claim'
  const r = await revokeForSafety(d, rec.id, why)
  if (!r.revoked) {
    if (r.record && FINAL.includes(r.record.state)) throw endedError(r.record)
    throw new ApiError(503, 'unavailable', 'The pairing kept changing; try again.')
  }
  if (secret === 'qr')
    throw new ApiError(409, 'qr_token_reused', 'This code was already used, so the pairing has been cancelled for safety. Start again on the TV.', { field: '/qr_token' })
  throw new ApiError(410, 'pairing_revoked', 'Another phone had already paired with this TV by its QR code, so the pairing has been cancelled for safety. Start again on the TV.', {
    field: '/user_code',
  })
}

/** The truth about a pairing that has ended: nothing is cancelled by this claim. */
function endedError(rec: PairingRecord): ApiError {
  if (rec.state === 'expired') return new ApiError(410, 'expired', 'This code has expired. Ask the TV for a new one.')
  if (rec.state === 'revoked') return new ApiError(410, 'pairing_revoked', 'This pairing was cancelled. Start again on the TV.')
  return new ApiError(409, 'already_claimed', 'This TV has already finished pairing with a phone using this code; nothing was changed. To pair again, start on the TV.')
}

function alreadyClaimed(): ApiError {
  return new ApiError(409, 'already_claimed', 'A phone has already paired with this TV using this code.')
}
