// JSON schemas (TypeBox) of every request and response body of the pairing protocol.
// Every object refuses unknown members (`additionalProperties: false`).
import { Type, type Static } from '@sinclair/typebox'
import { DECISION_VALUES, MAX_WAIT, PAIRING_STATES, QR_TOKEN_LENGTH, SCOPES, type DecisionValue, type PairingState, type Scope } from './constants'

const closed = { additionalProperties: false } as const

// String enums rather than unions of literals: the same JSON values, but a plain `enum` keeps
// validation and response serialization cheap (no `anyOf` to try branch by branch).
export const ScopeSchema = Type.Unsafe<Scope>({ type: 'string', enum: [...SCOPES], description: 'Provisioning scope' })
export const DecisionValueSchema = Type.Unsafe<DecisionValue>({ type: 'string', enum: [...DECISION_VALUES] })
export const PairingStateSchema = Type.Unsafe<PairingState>({ type: 'string', enum: [...PAIRING_STATES] })

const Name = Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\u0000-\\u001f\\u007f]+$' })
const ShortText = Type.String({ minLength: 1, maxLength: 64, pattern: '^[\\x21-\\x7e]+$' })
const IsoTime = Type.String({
  minLength: 20,
  maxLength: 35,
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$',
  description: 'RFC 3339 date-time',
})
const Sha256Hex = Type.String({ pattern: '^[0-9a-f]{64}$' })
export const PairingIdSchema = Type.String({ pattern: '^p_[A-Za-z0-9_-]{22}$', description: 'Pairing id' })

export const DecisionsSchema = Type.Object(
  {
    bluetooth: Type.Optional(DecisionValueSchema),
    network: Type.Optional(DecisionValueSchema),
    location: Type.Optional(DecisionValueSchema),
  },
  { ...closed, minProperties: 1, description: 'Decision per scope' },
)
export type Decisions = Static<typeof DecisionsSchema>

export const ScopeListSchema = Type.Array(ScopeSchema, { minItems: 1, maxItems: 3, uniqueItems: true })

export const NoticeSchema = Type.Object(
  {
    policy_id: ShortText,
    policy_version: ShortText,
    locale: Type.String({ minLength: 2, maxLength: 35, pattern: '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$' }),
    policy_sha256: Sha256Hex,
  },
  { ...closed, description: 'The policy shown when the decision was taken' },
)
export type Notice = Static<typeof NoticeSchema>

// ---- requests ---------------------------------------------------------------------------

export const CreatePairingRequestSchema = Type.Object(
  {
    device_name: Name,
    app_version: Type.Optional(ShortText),
  },
  closed,
)
export type CreatePairingRequest = Static<typeof CreatePairingRequestSchema>

export const ClaimRequestSchema = Type.Object(
  {
    qr_token: Type.Optional(Type.String({ minLength: QR_TOKEN_LENGTH, maxLength: QR_TOKEN_LENGTH + 4, pattern: '^[0-9A-Za-z-]+$' })),
    user_code: Type.Optional(Type.String({ minLength: 8, maxLength: 16, pattern: '^[A-Za-z \\-]+$' })),
    phone_name: Name,
  },
  { ...closed, description: 'Exactly one of qr_token and user_code' },
)
export type ClaimRequest = Static<typeof ClaimRequestSchema>

export const ProvisioningRequestSchema = Type.Object({ scopes: ScopeListSchema }, closed)
export type ProvisioningRequest = Static<typeof ProvisioningRequestSchema>

export const DecisionRequestSchema = Type.Object(
  {
    decisions: DecisionsSchema,
    notice: NoticeSchema,
    screen_id: ShortText,
    app_version: ShortText,
    firmware_version: Type.Optional(ShortText),
    device_time: IsoTime,
  },
  closed,
)
export type DecisionRequest = Static<typeof DecisionRequestSchema>

export const WithdrawalRequestSchema = Type.Object(
  {
    scopes: Type.Optional(ScopeListSchema),
    screen_id: ShortText,
    app_version: ShortText,
    firmware_version: Type.Optional(ShortText),
    device_time: IsoTime,
  },
  { ...closed, description: 'Withdraw the given scopes (default: every scope still granted)' },
)
export type WithdrawalRequest = Static<typeof WithdrawalRequestSchema>

export const StatusQuerySchema = Type.Object(
  {
    wait: Type.Optional(Type.String({ pattern: '^(\\d|1\\d|2[0-5])$', description: `Long-poll: seconds to wait for a change (0–${MAX_WAIT})` })),
    after: Type.Optional(Type.String({ pattern: '^\\d{1,15}$', description: 'Long-poll: answer once an event newer than this id exists' })),
  },
  closed,
)

export const PairingParamsSchema = Type.Object({ pairing_id: PairingIdSchema }, closed)

// ---- responses --------------------------------------------------------------------------

export const CreatePairingResponseSchema = Type.Object(
  {
    pairing_id: PairingIdSchema,
    qr_url: Type.String(),
    user_code: Type.String({ description: 'XXXX-XXXX' }),
    verification_uri: Type.String(),
    verification_uri_complete: Type.String(),
    tv_token: Type.String(),
    expires_in: Type.Integer(),
    interval: Type.Integer(),
    server_time: Type.String(),
  },
  closed,
)
export type CreatePairingResponse = Static<typeof CreatePairingResponseSchema>

export const PairingDecisionSchema = Type.Object(
  {
    decisions: DecisionsSchema,
    receipt_id: Type.String(),
    recorded_at: Type.String(),
    withdrawn: Type.Optional(ScopeListSchema),
  },
  closed,
)

export const PairingStatusSchema = Type.Object(
  {
    pairing_id: PairingIdSchema,
    state: PairingStateSchema,
    expires_at: Type.String({ description: 'Deadline of the current state' }),
    decision_deadline: Type.Optional(
      Type.String({ description: 'While consent_pending: when the request ends unanswered (nothing granted). The TV and the phone both count down to it.' }),
    ),
    server_time: Type.String(),
    interval: Type.Integer({ description: 'Seconds between plain polls' }),
    event_id: Type.Integer({ description: 'Id of the newest event (long-poll `after`, SSE Last-Event-ID)' }),
    tv: Type.Object({ name: Type.String() }, closed),
    phone: Type.Optional(Type.Object({ name: Type.String() }, closed)),
    scopes_requested: Type.Optional(ScopeListSchema),
    decision: Type.Optional(PairingDecisionSchema),
  },
  closed,
)
export type PairingStatus = Static<typeof PairingStatusSchema>

export const ClaimResponseSchema = Type.Object(
  {
    pairing_id: PairingIdSchema,
    phone_token: Type.String(),
    tv_name: Type.String(),
    user_code: Type.String({ description: 'XXXX-XXXX, to compare with the TV screen' }),
    state: PairingStateSchema,
    expires_at: Type.String(),
    server_time: Type.String(),
  },
  closed,
)
export type ClaimResponse = Static<typeof ClaimResponseSchema>

export const DecisionResponseSchema = Type.Object(
  {
    receipt_id: Type.String(),
    pairing_id: PairingIdSchema,
    state: PairingStateSchema,
    decisions: DecisionsSchema,
    recorded_at: Type.String(),
    ledger_hash: Sha256Hex,
  },
  closed,
)
export type DecisionResponse = Static<typeof DecisionResponseSchema>

export const WithdrawalResponseSchema = Type.Object(
  {
    receipt_id: Type.String(),
    pairing_id: PairingIdSchema,
    refers_to: Type.String({ description: 'Receipt id of the consent withdrawn from' }),
    withdrawn: ScopeListSchema,
    recorded_at: Type.String(),
    ledger_hash: Sha256Hex,
  },
  closed,
)
export type WithdrawalResponse = Static<typeof WithdrawalResponseSchema>

export const DeviceConsentSchema = Type.Object(
  {
    pairing_id: PairingIdSchema,
    receipt_id: Type.String(),
    phone_name: Type.String(),
    decisions: DecisionsSchema,
    /** Scopes granted and not withdrawn since. */
    active: Type.Array(ScopeSchema, { maxItems: 3, uniqueItems: true, description: 'Granted and not withdrawn since' }),
    withdrawn: Type.Array(ScopeSchema, { maxItems: 3, uniqueItems: true }),
    policy_version: Type.String(),
    recorded_at: Type.String(),
  },
  { ...closed, description: 'A consent given on this TV that granted at least one scope' },
)
export type DeviceConsent = Static<typeof DeviceConsentSchema>

export const DeviceConsentsResponseSchema = Type.Object(
  {
    consents: Type.Array(DeviceConsentSchema, { description: 'Newest first' }),
    server_time: Type.String(),
  },
  closed,
)
export type DeviceConsentsResponse = Static<typeof DeviceConsentsResponseSchema>

export const ErrorSchema = Type.Object(
  {
    error: Type.String({ description: 'Stable error code' }),
    message: Type.String(),
    field: Type.Optional(Type.String({ description: 'JSON pointer of the bad field' })),
    interval: Type.Optional(Type.Integer()),
  },
  closed,
)
export type ErrorBody = Static<typeof ErrorSchema>

// ---- OAuth 2.0 device authorization grant (RFC 8628) -------------------------------------

export const DeviceAuthorizationRequestSchema = Type.Object(
  {
    client_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    client_secret: Type.Optional(Type.String({ maxLength: 256 })),
    scope: Type.Optional(Type.String({ maxLength: 256 })),
    device_name: Type.Optional(Name),
  },
  closed,
)
export const DeviceAuthorizationResponseSchema = Type.Object(
  {
    device_code: Type.String(),
    user_code: Type.String(),
    verification_uri: Type.String(),
    verification_uri_complete: Type.String(),
    expires_in: Type.Integer(),
    interval: Type.Integer(),
  },
  closed,
)
export const TokenRequestSchema = Type.Object(
  {
    grant_type: Type.String({ maxLength: 128 }),
    device_code: Type.Optional(Type.String({ maxLength: 128 })),
    client_id: Type.Optional(Type.String({ maxLength: 128 })),
    client_secret: Type.Optional(Type.String({ maxLength: 256 })),
  },
  closed,
)
export const TokenResponseSchema = Type.Object(
  {
    access_token: Type.String(),
    token_type: Type.Unsafe<'Bearer'>({ type: 'string', enum: ['Bearer'] }),
    expires_in: Type.Integer(),
    pairing_id: PairingIdSchema,
  },
  closed,
)
export const OAuthErrorSchema = Type.Object(
  {
    error: Type.String(),
    error_description: Type.Optional(Type.String()),
    interval: Type.Optional(Type.Integer()),
  },
  closed,
)
export type OAuthErrorBody = Static<typeof OAuthErrorSchema>

/** One server-sent event: `id` is the event id, `event` the type, `data` this JSON. */
export const PairingEventSchema = Type.Object(
  {
    type: Type.String(),
    status: PairingStatusSchema,
  },
  closed,
)
export type PairingEvent = Static<typeof PairingEventSchema>
