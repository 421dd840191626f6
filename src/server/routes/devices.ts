// Device-facing routes: what a TV, signed with its device credential, may read about itself.
import type { FastifyInstance } from 'fastify'
import { DeviceConsentsResponseSchema, ErrorSchema, PATHS } from '../../core/protocol'
import { verifyDevice } from '../auth/device'
import { DEVICE_CONSENTS_LIMIT } from '../service/deviceConsents'

export default async function deviceRoutes(app: FastifyInstance) {
  app.get(
    PATHS.deviceConsents,
    {
      schema: {
        summary: 'Consents given on this TV (TV)',
        description:
          `Signed with the device credential (never a bare device id, dev mode included). The newest ${DEVICE_CONSENTS_LIMIT} consents taken on the signing TV ` +
          'that granted a scope, newest first, read from the ledger: a TV that cleared its local data can still list and withdraw them.',
        tags: ['tv'],
        security: [{ deviceSignature: [] }],
        response: { 200: DeviceConsentsResponseSchema, '4xx': ErrorSchema, '5xx': ErrorSchema },
      },
    },
    async (req) => {
      const deviceId = await verifyDevice(req, app)
      return app.pairings.deviceConsents(deviceId)
    },
  )
}
