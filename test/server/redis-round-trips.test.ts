// What a device authorization costs the Redis backend, counted with MONITOR on the service's
// own command connection: one round trip for the authentication (throttle check, failure count,
// nonce) and one for the creation with its per-device limit.
import Redis from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RedisLiveStore } from '../../src/server/storage/redis-live'
import { startRedis, stopAll, type RunningServer } from './helpers-backends'
import { DEVICE_ID, DEVICE_SECRET, request, signed, startServer, type TestServer } from './helpers'

let redis: RunningServer
let live: RedisLiveStore
let s: TestServer
let monitor: Redis
/** Commands the service's command connection sent (not those its scripts ran), oldest first. */
const sent: string[] = []

beforeAll(async () => {
  redis = await startRedis()
  live = await RedisLiveStore.connect(redis.url, { prefix: 'trips:' })
  s = await startServer({ deps: { live } })
  const port = String(live.client.stream.localPort)
  monitor = await new Redis(redis.url).monitor()
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source.endsWith(`:${port}`)) sent.push(args[0].toLowerCase())
  })
}, 60_000)

afterAll(async () => {
  monitor?.disconnect()
  await s?.close()
  await live?.close()
  await stopAll()
}, 30_000)

/** The commands `act` makes the service send, once MONITOR has shown a marker sent after it. */
async function commandsOf(act: () => Promise<void>): Promise<string[]> {
  sent.length = 0
  await act()
  const marker = `marker-${Math.random()}`
  let seen = false
  const onMarker = (_t: string, args: string[]) => {
    if (args[1] === marker) seen = true
  }
  monitor.on('monitor', onMarker)
  await live.client.echo(marker)
  const deadline = Date.now() + 3000
  while (!seen && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
  monitor.off('monitor', onMarker)
  return sent.filter((c) => c !== 'echo')
}

const formPath = '/oauth/device_authorization'

async function oauthSigned(body: string, over: { secret?: string } = {}) {
  return request(s, 'POST', formPath, { raw: body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...(await signed(s, 'POST', formPath, body, over)) } })
}

describe('Redis round trips of a device authorization', () => {
  it('signed, form body: one script for the authentication, one for the creation', async () => {
    expect((await oauthSigned(`client_id=${DEVICE_ID}`)).status).toBe(200) // loads the scripts
    let status = 0
    const cmds = await commandsOf(async () => {
      status = (await oauthSigned(`client_id=${DEVICE_ID}&device_name=Kitchen`)).status
    })
    expect(status).toBe(200)
    expect(cmds).toEqual(['evalsha', 'evalsha'])
  })

  it('signed JSON creation (POST /v1/pairings): the same two', async () => {
    const body = JSON.stringify({ device_name: 'Den' })
    let status = 0
    const cmds = await commandsOf(async () => {
      status = (await request(s, 'POST', '/v1/pairings', { raw: body, headers: await signed(s, 'POST', '/v1/pairings', body) })).status
    })
    expect(status).toBe(201)
    expect(cmds).toEqual(['evalsha', 'evalsha'])
  })

  it('client_secret: one for the secret check, one for the creation; a wrong signature or secret: one', async () => {
    let status = 0
    let cmds = await commandsOf(async () => {
      status = (await request(s, 'POST', formPath, { form: { client_id: DEVICE_ID, client_secret: DEVICE_SECRET } })).status
    })
    expect(status).toBe(200)
    expect(cmds).toEqual(['evalsha', 'evalsha'])
    cmds = await commandsOf(async () => {
      status = (await oauthSigned(`client_id=${DEVICE_ID}`, { secret: 'not-the-device-secret' })).status
    })
    expect(status).toBe(401)
    expect(cmds).toEqual(['evalsha'])
    cmds = await commandsOf(async () => {
      status = (await request(s, 'POST', formPath, { form: { client_id: DEVICE_ID, client_secret: 'wrong' } })).status
    })
    expect(status).toBe(401)
    expect(cmds).toEqual(['evalsha'])
  })
})
