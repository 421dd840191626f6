// The networks a client address stands for in the claim limits: an IPv4 address is one client
// and an IPv6 one is counted per /64 (what one subscriber's LAN gets); the wider prefix, IPv4
// /24 or IPv6 /48, is a site or a provider's block.
import { isIPv4, isIPv6 } from 'node:net'

export interface ClientNetwork {
  /** The client: the IPv4 address, or the IPv6 /64 it is in. */
  address: string
  /** The IPv4 /24 or IPv6 /48 the client is in. */
  prefix: string
}

export function clientNetwork(ip: string | undefined): ClientNetwork {
  const raw = (ip ?? '').trim()
  if (isIPv4(raw)) return ipv4(raw)
  const groups = isIPv6(raw) ? ipv6Groups(raw) : null
  if (!groups) return { address: `other:${raw}`, prefix: `other:${raw}` }
  // IPv4-mapped (::ffff:a.b.c.d): the IPv4 client behind a dual-stack socket.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff)
    return ipv4(`${groups[6] >> 8}.${groups[6] & 255}.${groups[7] >> 8}.${groups[7] & 255}`)
  const hex = groups.map((g) => g.toString(16))
  return { address: `${hex.slice(0, 4).join(':')}::/64`, prefix: `${hex.slice(0, 3).join(':')}::/48` }
}

function ipv4(ip: string): ClientNetwork {
  return { address: ip, prefix: `${ip.slice(0, ip.lastIndexOf('.'))}.0/24` }
}

/** The eight 16-bit groups of a valid IPv6 address (zone id dropped, `::` and a dotted tail expanded). */
function ipv6Groups(ip: string): number[] | null {
  let text = ip.toLowerCase()
  const zone = text.indexOf('%')
  if (zone >= 0) text = text.slice(0, zone)
  const lastColon = text.lastIndexOf(':')
  const last = text.slice(lastColon + 1)
  if (last.includes('.')) {
    if (!isIPv4(last)) return null
    const [a, b, c, d] = last.split('.').map(Number)
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined]
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)))
  const h = parse(head)
  const r = rest === undefined ? [] : parse(rest)
  const fill = 8 - h.length - r.length
  if (fill < 0 || (rest === undefined && fill !== 0)) return null
  const groups = [...h, ...new Array<number>(fill).fill(0), ...r]
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null
}
