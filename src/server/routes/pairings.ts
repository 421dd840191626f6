// TV-facing pairing routes: creation (device credential), status (plain poll with slow_down,
// long-poll), the phone's provisioning request, the TV's decision and withdrawal.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import {
  ClaimRequestSchema,
  ClaimResponseSchema,
  CreatePairingRequestSchema,
  CreatePairingResponseSchema,
  DecisionRequestSchema,
  DecisionResponseSchema,
  ErrorSchema,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  PAIRING_EXPIRES_IN,
  PATHS,
  PairingParamsSchema,
  PairingStatusSchema,
  ProvisioningRequestSchema,
  StatusQuerySchema,
  WithdrawalRequestSchema,
  WithdrawalResponseSchema,
  formatUserCode,
  qrUrl,
  type ClaimRequest,
  type CreatePairingRequest,
  type CreatePairingResponse,
  type DecisionRequest,
  type ProvisioningRequest,
  type WithdrawalRequest,
} from '../../core/protocol'
import { hasDeviceSignature, verifyDevice } from '../auth/device'
import { KnownPolicies, policyDirOf } from '../policies'
import { waitForChange } from '../realtime/waitForChange'
import type { IdempotentResult } from '../service/idempotency'
import { iso } from '../service/status'
import { deviceTime, displayName } from '../validation'

type Params = { pairing_id: string }

const errors = { '4xx': ErrorSchema, '5xx': ErrorSchema }
const idempotencyHeaders = {
  type: 'object',
  properties: { [IDEMPOTENCY_KEY_HEADER]: { type: 'string', description: 'Required (draft-ietf-httpapi-idempotency-key-header)' } },
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name]
  return Array.isArray(v) ? v[0] : v
}

function sendIdempotent(reply: FastifyReply, r: IdempotentResult) {
  if (r.replayed) reply.header(IDEMPOTENT_REPLAYED_HEADER, 'true')
  return reply.code(r.status).send(r.body)
}

export default async function pairingRoutes(app: FastifyInstance) {
  const svc = app.pairings
  const policies = new KnownPolicies(policyDirOf(app.config))

  /**
   * The TV token, or the device credential of the pairing's own TV (its hash is returned and
   * checked against the pairing): a TV that restarted while relaying a decision or withdrawal
   * no longer holds the token, which is never kept at rest.
   */
  async function tvOrDevice(req: FastifyRequest, pairingId: string): Promise<string | undefined> {
    // A signature, never a bare device id: dev mode opens registration, not other devices' consents.
    if (req.headers.authorization === undefined && hasDeviceSignature(req)) return svc.deviceHash(await verifyDevice(req, app))
    await svc.authenticate(req.headers.authorization, pairingId, ['tv'])
    return undefined
  }

  app.post<{ Body: CreatePairingRequest }>(
    PATHS.pairings,
    {
      schema: {
        summary: 'Create a pairing (TV)',
        description: `Signed with the device credential (open in dev mode). The pairing waits ${PAIRING_EXPIRES_IN} s for a phone.`,
        tags: ['tv'],
        body: CreatePairingRequestSchema,
        security: [{ deviceSignature: [] }],
        response: { 201: CreatePairingResponseSchema, ...errors },
      },
    },
    async (req, reply) => {
      const deviceId = await verifyDevice(req, app, { openInDev: true })
      const p = await svc.create(deviceId, displayName(req.body.device_name, '/device_name'))
      const base = app.publicUrl()
      const qr = qrUrl(base, p.qrToken)
      const body: CreatePairingResponse = {
        pairing_id: p.record.id,
        qr_url: qr,
        user_code: formatUserCode(p.userCode),
        verification_uri: `${base}${PATHS.link}`,
        verification_uri_complete: qr,
        tv_token: p.tvToken,
        expires_in: Math.round((p.record.expiresAt - p.record.createdAt) / 1000),
        interval: p.record.interval,
        server_time: iso(svc.now()),
      }
      return reply.code(201).send(body)
    },
  )

  app.get<{ Params: Params; Querystring: { wait?: string; after?: string } }>(
    PATHS.pairing(':pairing_id'),
    {
      schema: {
        summary: 'Pairing status (plain poll or long-poll)',
        description:
          'TV or phone token. Without `wait`, polls must keep `interval` seconds apart (20% tolerance) or get 429 `slow_down` with a larger interval. ' +
          'With `wait` (≤ 25), the answer comes at the first event newer than `after` (default: the newest now), or when the wait ends; ' +
          'one answered at once (an event newer than `after` exists) is paced as a plain poll.',
        tags: ['tv', 'phone'],
        params: PairingParamsSchema,
        querystring: StatusQuerySchema,
        security: [{ tvToken: [] }, { phoneToken: [] }],
        response: { 200: PairingStatusSchema, ...errors },
      },
    },
    async (req, reply) => {
      const id = req.params.pairing_id
      const who = await svc.authenticate(req.headers.authorization, id, ['tv', 'phone'])
      let rec = await svc.load(id)
      const wait = Math.min(Number(req.query.wait ?? 0), app.config.maxWaitS)
      if (wait > 0) {
        const after = req.query.after !== undefined ? Number(req.query.after) : rec.eventId
        if (rec.eventId <= after) {
          const untilDeadline = rec.expiresAt - svc.now() + 20
          const ms = untilDeadline > 0 && untilDeadline < wait * 1000 ? untilDeadline : wait * 1000
          await waitForChange(app, reply, id, after, ms)
          if (reply.raw.destroyed) return reply
          rec = await svc.load(id)
        } else {
          // Answered at once, a long-poll is a poll: paced like one, or `after=0` would read unpaced.
          await svc.pacePoll(rec, who.role)
        }
      } else {
        await svc.pacePoll(rec, who.role)
      }
      return svc.statusOf(rec)
    },
  )

  app.post<{ Body: ClaimRequest }>(
    PATHS.claims,
    {
      schema: {
        summary: 'Claim a pairing (phone)',
        description:
          'With the QR token (one-time: presenting it again cancels the pairing) or the user code as typed (case, spaces and dashes ignored). ' +
          'Typed codes are limited per client address (an IPv6 /64), per network (IPv4 /24, IPv6 /48) and in total; QR claims are not. Every claim counts per pairing. ' +
          'A second claimant (the QR token again, or either secret after a claim with the other) cancels a pairing under way.',
        tags: ['phone'],
        body: ClaimRequestSchema,
        response: { 201: ClaimResponseSchema, ...errors },
      },
    },
    async (req, reply) => {
      const r = await svc.claim({ qrToken: req.body.qr_token, userCode: req.body.user_code, phoneName: displayName(req.body.phone_name, '/phone_name'), ip: req.ip })
      return reply.code(201).send(r)
    },
  )

  app.post<{ Params: Params; Body: ProvisioningRequest }>(
    PATHS.provisioningRequest(':pairing_id'),
    {
      schema: {
        summary: 'Ask the TV for provisioning consent (phone)',
        tags: ['phone'],
        params: PairingParamsSchema,
        body: ProvisioningRequestSchema,
        security: [{ phoneToken: [] }],
        response: { 202: PairingStatusSchema, ...errors },
      },
    },
    async (req, reply) => {
      await svc.authenticate(req.headers.authorization, req.params.pairing_id, ['phone'])
      const status = await svc.requestProvisioning(req.params.pairing_id, req.body.scopes)
      return reply.code(202).send(status)
    },
  )

  app.post<{ Params: Params; Body: DecisionRequest }>(
    PATHS.decision(':pairing_id'),
    {
      schema: {
        summary: 'Record the TV viewer’s decision per scope (TV)',
        description:
          'Idempotency-Key required: missing → 400, same key with another body → 422, same key in flight → 409, repeat → the stored response ' +
          '(header `Idempotent-Replayed: true`); after the decision window → 410. The decision is in the ledger before the 201.',
        tags: ['tv'],
        params: PairingParamsSchema,
        headers: idempotencyHeaders,
        body: DecisionRequestSchema,
        security: [{ tvToken: [] }, { deviceSignature: [] }],
        response: { 201: DecisionResponseSchema, ...errors },
      },
    },
    async (req, reply) => {
      const id = req.params.pairing_id
      const deviceHash = await tvOrDevice(req, id)
      policies.check(req.body.notice)
      deviceTime(req.body.device_time)
      const key = header(req, IDEMPOTENCY_KEY_HEADER)
      const r = await svc.decide(id, key, req.body, { deviceHash })
      return sendIdempotent(reply, r)
    },
  )

  app.post<{ Params: Params; Body: WithdrawalRequest }>(
    PATHS.withdrawal(':pairing_id'),
    {
      schema: {
        summary: 'Withdraw a recorded consent (TV)',
        description:
          'TV token, or the device credential once the pairing has ended. Appends a withdrawal record to the ledger (never an update) and tells the phone. Idempotency-Key as for decisions.',
        tags: ['tv'],
        params: PairingParamsSchema,
        headers: idempotencyHeaders,
        body: WithdrawalRequestSchema,
        security: [{ tvToken: [] }, { deviceSignature: [] }],
        response: { 201: WithdrawalResponseSchema, ...errors },
      },
    },
    async (req, reply) => {
      const id = req.params.pairing_id
      const deviceHash = await tvOrDevice(req, id)
      deviceTime(req.body.device_time)
      const key = header(req, IDEMPOTENCY_KEY_HEADER)
      const r = await svc.withdraw(id, key, req.body, { deviceHash })
      return sendIdempotent(reply, r)
    },
  )
}
