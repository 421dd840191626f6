// Shared fixtures of the phone page's unit tests: protocol answers as the service writes them,
// and the policy compiled from the repository's Markdown (no build step needed).
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { ClaimResponse, PairingStatus } from '../../src/core/protocol/schemas'
import type { PolicyDocument } from '../../src/core/policy/model'
import { compilePolicy } from '../../tools/policy/compiler'

export const ROOT = resolve(__dirname, '../..')
export const PAIRING_ID = 'p_abcdefghijklmnopqrstuv'
export const T0 = Date.parse('2030-01-01T00:00:00.000Z')

export function claimResponse(over: Partial<ClaimResponse> = {}): ClaimResponse {
  return {
    pairing_id: PAIRING_ID,
    phone_token: 'phone-token-0123456789abcdefghij',
    tv_name: '客厅电视',
    user_code: 'WDJB-MJHT',
    state: 'claimed',
    expires_at: new Date(T0 + 600_000).toISOString(),
    server_time: new Date(T0).toISOString(),
    ...over,
  }
}

export function status(over: Partial<PairingStatus> = {}): PairingStatus {
  return {
    pairing_id: PAIRING_ID,
    state: 'claimed',
    expires_at: new Date(T0 + 600_000).toISOString(),
    server_time: new Date(T0).toISOString(),
    interval: 5,
    event_id: 2,
    tv: { name: '客厅电视' },
    phone: { name: 'Pixel 8' },
    ...over,
  }
}

let policy: PolicyDocument | null = null
export function compiledPolicy(): PolicyDocument {
  if (!policy) {
    const file = join(ROOT, 'policy/miitee-privacy-policy.zh-CN.md')
    policy = compilePolicy(readFileSync(file, 'utf8'), file)
  }
  return policy
}
