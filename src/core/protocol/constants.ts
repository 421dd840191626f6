// Constants of the TV ↔ phone pairing protocol (DESIGN.md §3). Shared by the service,
// the TV client and the phone page: plain values only, no runtime dependencies.

/** Crockford base32 alphabet (no I, L, O, U): used for the one-time QR token. */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
/** User code alphabet (RFC 8628 §6.1: consonants only, no vowels to avoid words). */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ'
export const USER_CODE_LENGTH = 8
/** 26 Crockford characters = 130 bits. */
export const QR_TOKEN_LENGTH = 26
/** Bytes of randomness behind the TV token, phone token and device_code (256 bits). */
export const BEARER_TOKEN_BYTES = 32

/** Seconds a new pairing waits for a phone. */
export const PAIRING_EXPIRES_IN = 300
/** Seconds between polls a client must keep (RFC 8628 `interval`). */
export const POLL_INTERVAL = 5
/** Seconds added to the interval on each `slow_down` (RFC 8628 §3.5). */
export const SLOW_DOWN_INCREMENT = 5
/** A poll earlier than interval × (1 − tolerance) after the previous one is too fast. */
export const POLL_TOLERANCE = 0.2
/** Longest long-poll wait, seconds. */
export const MAX_WAIT = 25

export const SCOPES = ['bluetooth', 'network', 'location'] as const
export type Scope = (typeof SCOPES)[number]

export const DECISION_VALUES = ['granted', 'denied'] as const
export type DecisionValue = (typeof DECISION_VALUES)[number]

export const PAIRING_STATES = ['created', 'claimed', 'consent_pending', 'granted', 'denied', 'expired', 'revoked'] as const
export type PairingState = (typeof PAIRING_STATES)[number]
export const FINAL_STATES: readonly PairingState[] = ['granted', 'denied', 'expired', 'revoked']

export const EVENT_TYPES = ['status', 'claimed', 'consent_requested', 'decided', 'withdrawn', 'expired', 'revoked'] as const
export type PairingEventType = (typeof EVENT_TYPES)[number]

/** Ledger collection method for decisions taken with the TV remote. */
export const COLLECTION_METHOD = 'tv-remote'

export const OAUTH_DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'

/** Stable error codes of the service API (`{ error, message, field? }`). */
export const ERROR_CODES = [
  'invalid_request',
  'invalid_json',
  'unsupported_media_type',
  'body_too_large',
  'not_found',
  'method_not_allowed',
  'unauthorized',
  'invalid_signature',
  'stale_timestamp',
  'replayed_nonce',
  'forbidden',
  'invalid_code',
  'already_claimed',
  'qr_token_reused',
  'expired',
  'pairing_revoked',
  'invalid_state',
  'invalid_scopes',
  'invalid_name',
  'invalid_time',
  'unknown_policy',
  'already_decided',
  'decision_in_progress',
  'decision_window_closed',
  'nothing_to_withdraw',
  'idempotency_key_missing',
  'idempotency_key_invalid',
  'idempotency_key_reused',
  'request_in_flight',
  'slow_down',
  'rate_limited',
  'too_many_streams',
  'app_not_built',
  'policy_not_built',
  'unavailable',
  'internal_error',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

/** OAuth 2.0 token endpoint errors (RFC 6749 §5.2, RFC 8628 §3.5). */
export const OAUTH_ERRORS = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'authorization_pending',
  'slow_down',
  'access_denied',
  'expired_token',
] as const
export type OAuthErrorCode = (typeof OAUTH_ERRORS)[number]

/** Request headers of the device credential (see signing.ts). */
export const DEVICE_HEADERS = {
  device: 'x-miitee-device',
  timestamp: 'x-miitee-timestamp',
  nonce: 'x-miitee-nonce',
  signature: 'x-miitee-signature',
} as const

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key'
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed'

/** API paths, relative to the service origin. */
export const PATHS = {
  pairings: '/v1/pairings',
  pairing: (id: string) => `/v1/pairings/${id}`,
  events: (id: string) => `/v1/pairings/${id}/events`,
  provisioningRequest: (id: string) => `/v1/pairings/${id}/provisioning-request`,
  decision: (id: string) => `/v1/pairings/${id}/decision`,
  withdrawal: (id: string) => `/v1/pairings/${id}/withdrawal`,
  claims: '/v1/claims',
  deviceConsents: '/v1/devices/self/consents',
  deviceAuthorization: '/oauth/device_authorization',
  token: '/oauth/token',
  oauthMetadata: '/.well-known/oauth-authorization-server',
  openapi: '/openapi.json',
  qrPrefix: '/P/',
  link: '/link',
} as const
