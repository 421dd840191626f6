// The guessing budget of typed user codes (QR tokens carry 130 bits and are never guessed, so a
// scan does not spend it). The global count is looked at first and each narrower budget before
// it is counted, so requests refused for a spent budget create no counters: the counters a flood
// of new addresses can create stay bounded by the global limit.
import type { ServiceDeps } from './deps'
import { clientNetwork } from './clientNetwork'
import { rateLimited } from './refusals'

const GLOBAL_KEY = 'limit:claim:global'
const FROM_NETWORK = 'Too many pairing attempts from this network; wait a few minutes.'
const FROM_EVERYONE = 'The service is receiving too many attempts with typed codes; scan the QR code on the TV, or try again shortly.'

/** Counts one typed-code claim from `ip`; 429 `rate_limited` when a budget is spent. */
export async function countUserCodeGuess(d: ServiceDeps, ip: string): Promise<void> {
  const L = d.config.limits
  const windowMs = L.claimsPerIpWindowS * 1000
  const net = clientNetwork(ip)
  const prefixKey = `limit:claim:net:${net.prefix}`
  const global = await d.live.peek(GLOBAL_KEY)
  if (global.count >= L.claimsGlobal) throw rateLimited(global.resetAt - d.clock(), FROM_EVERYONE)
  const prefix = await d.live.peek(prefixKey)
  if (prefix.count >= L.claimsPerPrefix) throw rateLimited(prefix.resetAt - d.clock(), FROM_NETWORK)
  const address = await d.live.incr(`limit:claim:ip:${net.address}`, windowMs)
  if (address.count > L.claimsPerIp) throw rateLimited(address.resetAt - d.clock(), FROM_NETWORK)
  const prefixNow = await d.live.incr(prefixKey, windowMs)
  if (prefixNow.count > L.claimsPerPrefix) throw rateLimited(prefixNow.resetAt - d.clock(), FROM_NETWORK)
  const globalNow = await d.live.incr(GLOBAL_KEY, L.claimsGlobalWindowS * 1000)
  if (globalNow.count > L.claimsGlobal) throw rateLimited(globalNow.resetAt - d.clock(), FROM_EVERYONE)
}
