// The client address the claim limits count: TRUST_PROXY believes only named hops (a hop count or
// the proxies' addresses), IPv6 clients are counted per /64, and a flood of new addresses cannot
// grow the store's counters past what the global limit lets through.
import { describe, expect, it } from 'vitest'
import { USER_CODE_ALPHABET } from '../../src/core/protocol'
import { ConfigError, configFromEnv, parseTrustProxy } from '../../src/server/config'
import { clientNetwork } from '../../src/server/service/clientNetwork'
import { MemoryLiveStore } from '../../src/server/storage/memory-live'
import { FakeClock, request, startServer, type ConfigOverrides, type TestServer } from './helpers'

function guess(i: number): string {
  let code = ''
  for (let k = 0, n = i; k < 8; k++, n = Math.floor(n / USER_CODE_ALPHABET.length)) code += USER_CODE_ALPHABET[(n + k) % USER_CODE_ALPHABET.length]
  return code
}

/** One typed-code guess sent through a proxy at `from` that passes on `forwarded` as X-Forwarded-For. */
async function guessVia(s: TestServer, i: number, forwarded: string, from = '127.0.0.1'): Promise<number> {
  const r = await request(s, 'POST', '/v1/claims', { body: { user_code: guess(i), phone_name: 'x' }, from, headers: { 'x-forwarded-for': forwarded } })
  return r.status
}

async function withServer(config: ConfigOverrides, fn: (s: TestServer) => Promise<void>, store?: { live: MemoryLiveStore; clock: FakeClock }): Promise<void> {
  const s = await startServer({ config, deps: store ? { live: store.live } : undefined, clock: store?.clock })
  try {
    await fn(s)
  } finally {
    await s.close()
    await store?.live.close()
  }
}

describe('TRUST_PROXY', () => {
  it('takes a hop count or proxy addresses/CIDRs, and refuses trusting every hop', () => {
    expect(configFromEnv({}).trustProxy).toBe(false)
    expect(configFromEnv({ TRUST_PROXY: '0' }).trustProxy).toBe(false)
    expect(configFromEnv({ TRUST_PROXY: '1' }).trustProxy).toBe(1)
    expect(configFromEnv({ TRUST_PROXY: '2' }).trustProxy).toBe(2)
    expect(configFromEnv({ TRUST_PROXY: '10.0.0.5, 10.1.0.0/16,::1,fd00::/8,loopback' }).trustProxy).toEqual(['10.0.0.5', '10.1.0.0/16', '::1', 'fd00::/8', 'loopback'])
    for (const bad of ['true', 'yes', 'all', '17', '10.0.0.0/33', 'fd00::/129', 'proxy.example.com', '10.0.0.5/8/1', '10.0.0.5,'])
      expect(() => parseTrustProxy(bad), bad).toThrow(ConfigError)
    try {
      parseTrustProxy('true')
    } catch (e) {
      expect((e as ConfigError).variable).toBe('TRUST_PROXY')
      expect((e as Error).message).toMatch(/number of proxies|addresses/)
    }
  })

  it('TRUST_PROXY=1 counts the address the proxy appended, not the one the client sent ("spoofed, real")', async () => {
    const trustProxy = configFromEnv({ TRUST_PROXY: '1' }).trustProxy
    await withServer({ trustProxy, limits: { claimsPerIp: 10, claimsGlobal: 1000 } }, async (s) => {
      const statuses: number[] = []
      for (let i = 0; i < 30; i++) statuses.push(await guessVia(s, i, `203.0.113.${i + 1}, 198.51.100.7`))
      expect(statuses.slice(0, 10)).toEqual(Array(10).fill(404))
      expect(statuses.slice(10)).toEqual(Array(20).fill(429))
      // another client behind the same proxy is counted on its own
      expect(await guessVia(s, 99, '203.0.113.1, 198.51.100.8')).toBe(404)
    })
  })

  it('with proxy addresses, a hop not in the list is the client, whatever X-Forwarded-For it sends', async () => {
    const trustProxy = configFromEnv({ TRUST_PROXY: '127.0.0.1' }).trustProxy
    await withServer({ trustProxy, limits: { claimsPerIp: 5, claimsGlobal: 1000 } }, async (s) => {
      const direct: number[] = []
      for (let i = 0; i < 8; i++) direct.push(await guessVia(s, i, `198.51.100.${i + 1}`, '127.0.0.2'))
      expect(direct).toEqual([404, 404, 404, 404, 404, 429, 429, 429])
      // through the listed proxy, the forwarded client is counted
      expect(await guessVia(s, 50, '198.51.100.1', '127.0.0.1')).toBe(404)
    })
  })
})

describe('client networks', () => {
  it('counts IPv4 per address with its /24, IPv6 per /64 with its /48', () => {
    expect(clientNetwork('192.0.2.33')).toEqual({ address: '192.0.2.33', prefix: '192.0.2.0/24' })
    expect(clientNetwork('2001:db8:1:2:3:4:5:6')).toEqual({ address: '2001:db8:1:2::/64', prefix: '2001:db8:1::/48' })
    expect(clientNetwork('2001:DB8:1:2::9').address).toBe('2001:db8:1:2::/64')
    expect(clientNetwork('2001:db8:0001:0002:ffff::1').address).toBe('2001:db8:1:2::/64')
    expect(clientNetwork('2001:db8::1').address).toBe('2001:db8:0:0::/64')
    expect(clientNetwork('::1').address).toBe('0:0:0:0::/64')
    expect(clientNetwork('fe80::1%eth0').address).toBe('fe80:0:0:0::/64')
    expect(clientNetwork('::ffff:192.0.2.1')).toEqual({ address: '192.0.2.1', prefix: '192.0.2.0/24' })
    expect(clientNetwork('::ffff:c000:201').address).toBe('192.0.2.1')
    expect(clientNetwork('64:ff9b::192.0.2.1').address).toBe('64:ff9b:0:0::/64')
    expect(clientNetwork(undefined).address).toBe('other:')
  })

  it('limits typed codes per IPv6 /64 and per /48 however many addresses a client uses', async () => {
    await withServer({ trustProxy: ['127.0.0.1'], limits: { claimsPerIp: 5, claimsPerPrefix: 8, claimsGlobal: 1000 } }, async (s) => {
      const one64: number[] = []
      for (let i = 0; i < 7; i++) one64.push(await guessVia(s, i, `2001:db8:7:1::${(i + 1).toString(16)}`))
      expect(one64).toEqual([404, 404, 404, 404, 404, 429, 429])
      // other /64s of the same /48 share its budget: 5 spent, 3 left
      const same48: number[] = []
      for (let i = 0; i < 5; i++) same48.push(await guessVia(s, 20 + i, `2001:db8:7:${(i + 2).toString(16)}::1`))
      expect(same48).toEqual([404, 404, 404, 429, 429])
      expect(await guessVia(s, 40, '2001:db8:8:1::1')).toBe(404)
    })
  })
})

describe('a flood of new addresses', () => {
  it('creates no counters once the global limit is spent, so the store stays bounded', async () => {
    const clock = new FakeClock()
    const live = new MemoryLiveStore(clock.now)
    await withServer(
      { trustProxy: ['127.0.0.1'], limits: { claimsPerIp: 20, claimsGlobal: 50 } },
      async (s) => {
        let refused = 0
        for (let i = 0; i < 2000; i++) if ((await guessVia(s, i, `10.${i >> 8}.${i & 255}.7`)) === 429) refused++
        expect(refused).toBe(2000 - 50)
        // one address and one /24 counter per guess let through, and the global one
        expect(live.counterCount()).toBeLessThanOrEqual(2 * 50 + 1)
      },
      { live, clock },
    )
  }, 60_000)

  it('the memory store holds a bounded number of counters and refuses new keys while full', async () => {
    const clock = new FakeClock()
    const live = new MemoryLiveStore(clock.now, 30_000, 100)
    try {
      for (let i = 0; i < 100; i++) expect((await live.incr(`k${i}`, 1000)).count).toBe(1)
      expect((await live.incr('k-new', 1000)).count).toBeGreaterThan(1_000_000)
      expect(await live.peek('k-new')).toEqual({ count: 0, resetAt: clock.now() })
      expect((await live.incr('k5', 1000)).count).toBe(2)
      expect(live.counterCount()).toBe(100)
      clock.advance(1000)
      expect((await live.incr('k-new', 1000)).count).toBe(1)
      expect(live.counterCount()).toBe(1)
    } finally {
      await live.close()
    }
  })
})
