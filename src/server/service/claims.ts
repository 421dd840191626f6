// A phone claims a pairing with the QR token (one use: a second one cancels the pairing) or the
// user code, within per-address, global and per-pairing limits.
import { formatUserCode, normalizeQrToken, normalizeUserCode, type ClaimResponse } from '../../core/protocol'
import { randomToken, userCodeFrom } from '../crypto'
import { ApiError } from '../errors'
import type { PairingRecord } from '../storage/live'
import type { ServiceDeps } from './deps'
import { FINAL, findPairing, loadPairing } from './records'
import { rateLimited } from './refusals'
import { iso, statusEvent } from './status'

export interface ClaimInput {
  qrToken?: string
  userCode?: string
  phoneName: string
  ip: string
}

export async function claimPairing(d: ServiceDeps, input: ClaimInput): Promise<ClaimResponse> {
  const cfg = d.config
  const L = cfg.limits
  if ((input.qrToken === undefined) === (input.userCode === undefined))
    throw new ApiError(400, 'invalid_request', 'Send exactly one of qr_token and user_code.', { field: input.qrToken === undefined ? '/user_code' : '/qr_token' })
  const ipLim = await d.live.incr(`limit:claim:ip:${input.ip}`, L.claimsPerIpWindowS * 1000)
  if (ipLim.count > L.claimsPerIp) throw rateLimited(ipLim.resetAt - d.clock(), 'Too many pairing attempts from this network; wait a few minutes.')
  const globalLim = await d.live.incr('limit:claim:global', L.claimsGlobalWindowS * 1000)
  if (globalLim.count > L.claimsGlobal) throw rateLimited(globalLim.resetAt - d.clock(), 'The service is receiving too many pairing attempts; try again shortly.')

  const h = d.hasher
  let pairingId: string
  let userCode: string
  if (input.qrToken !== undefined) {
    const token = normalizeQrToken(input.qrToken)
    if (!token) throw new ApiError(404, 'invalid_code', 'This pairing link is not valid. Scan the code on the TV again.', { field: '/qr_token' })
    const used = await d.live.useToken('qr', h.hash('qr', token))
    if (!used) throw new ApiError(404, 'invalid_code', 'This pairing link is not valid or has ended. Scan the code on the TV again.', { field: '/qr_token' })
    pairingId = used.pairingId
    userCode = userCodeFrom(h.deriveBytes('user_code', token))
    if (!used.firstUse) {
      await countPairingClaim(d, pairingId)
      await revokePairing(d, pairingId)
      throw new ApiError(409, 'qr_token_reused', 'This code was already used, so the pairing has been cancelled for safety. Start again on the TV.', { field: '/qr_token' })
    }
  } else {
    const code = normalizeUserCode(input.userCode as string)
    if (!code) throw new ApiError(400, 'invalid_code', 'A code has 8 letters from BCDFGHJKLMNPQRSTVWXZ, like WDJB-MJHT.', { field: '/user_code' })
    const entry = await d.live.getToken('user_code', h.hash('user_code', code))
    if (!entry) throw new ApiError(404, 'invalid_code', 'No TV shows this code. Check the code on the TV screen.', { field: '/user_code' })
    pairingId = entry.pairingId
    userCode = code
  }
  await countPairingClaim(d, pairingId)

  const rec = await loadPairing(d, pairingId)
  assertClaimable(rec)
  const phoneToken = randomToken()
  await d.live.addToken('phone', h.hash('phone', phoneToken), pairingId)
  const now = d.clock()
  const expiresAt = now + cfg.claimedTtlS * 1000
  const next: PairingRecord = { ...rec, state: 'claimed', phoneName: input.phoneName, expiresAt, purgeAt: expiresAt + cfg.retentionS * 1000 }
  const r = await d.live.casPairing(pairingId, rec.version, next, statusEvent('claimed', d.clock))
  if (!r.ok || !r.record) {
    assertClaimable(await loadPairing(d, pairingId))
    throw new ApiError(409, 'already_claimed', 'Another phone has just paired with this TV.')
  }
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

async function countPairingClaim(d: ServiceDeps, pairingId: string): Promise<void> {
  const lim = await d.live.incr(`limit:claim:pairing:${pairingId}`, (d.config.pairingTtlS + d.config.claimedTtlS) * 1000)
  if (lim.count > d.config.limits.claimsPerPairing) throw rateLimited(lim.resetAt - d.clock(), 'Too many attempts to pair with this TV; start again on the TV.')
}

function assertClaimable(rec: PairingRecord): void {
  if (rec.state === 'created') return
  if (rec.state === 'expired') throw new ApiError(410, 'expired', 'This code has expired. Ask the TV for a new one.')
  if (rec.state === 'revoked') throw new ApiError(410, 'pairing_revoked', 'This pairing was cancelled. Start again on the TV.')
  throw new ApiError(409, 'already_claimed', 'A phone has already paired with this TV using this code.')
}

/** Cancels a pairing whose QR token was presented twice (someone else may have seen it). */
async function revokePairing(d: ServiceDeps, pairingId: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const rec = await findPairing(d, pairingId)
    if (!rec || FINAL.includes(rec.state)) return
    const now = d.clock()
    const next: PairingRecord = { ...rec, state: 'revoked', expiresAt: now, purgeAt: now + d.config.retentionS * 1000 }
    if ((await d.live.casPairing(pairingId, rec.version, next, statusEvent('revoked', d.clock))).ok) {
      d.log.warn({ pairing: pairingId }, 'pairing revoked: QR token presented twice')
      return
    }
  }
}
