// The machine's address on the local network, for the QR and `/link` URLs `npm start` hands
// to phones (a phone cannot open `localhost`). Pure: it ranks what `os.networkInterfaces()` returns.
import type { NetworkInterfaceInfo } from 'node:os'

export type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>

// Container, VM and VPN interfaces carry private addresses too, but phones on the Wi-Fi cannot reach them.
const VIRTUAL_NAME = /^(docker|br-|veth|virbr|vboxnet|vmnet|vnet|cni|flannel|cali|weave|podman|lxc|lxd|kube|tailscale|zt|wg|tun|tap|utun|ppp)/i

function octets(address: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address)
  if (!m) return null
  const o = m.slice(1).map(Number)
  return o.every((n) => n <= 255) ? o : null
}

/** True for the RFC 1918 ranges home and office networks use: 10/8, 172.16/12, 192.168/16. */
export function isPrivateLan(address: string): boolean {
  const o = octets(address)
  if (!o) return false
  return o[0] === 10 || (o[0] === 172 && o[1] >= 16 && o[1] <= 31) || (o[0] === 192 && o[1] === 168)
}

/** Lower is better; null = never advertised. */
function rank(name: string, info: NetworkInterfaceInfo): number | null {
  // Node 18.0–18.3 reported the family as a number.
  const family = info.family as string | number
  if (info.internal || (family !== 'IPv4' && family !== 4)) return null
  const o = octets(info.address)
  if (!o || o[0] === 127 || o[0] === 0) return null
  // Link-local means no DHCP answer: reachable at best from a directly cabled device.
  if (o[0] === 169 && o[1] === 254) return 4
  const virtual = VIRTUAL_NAME.test(name)
  const lan = isPrivateLan(info.address)
  return (virtual ? 2 : 0) + (lan ? 0 : 1)
}

/**
 * The first non-internal IPv4 address, preferring a private LAN range on a physical-looking
 * interface over other addresses, container/VPN bridges and link-local 169.254; null when
 * the machine has none (the caller falls back to localhost).
 */
export function chooseLanAddress(interfaces: Interfaces): string | null {
  let best: { address: string; rank: number } | null = null
  for (const [name, infos] of Object.entries(interfaces)) {
    for (const info of infos ?? []) {
      const r = rank(name, info)
      if (r !== null && (best === null || r < best.rank)) best = { address: info.address, rank: r }
    }
  }
  return best?.address ?? null
}

/** The public URL a LAN address and port give (IPv4 only, so no brackets). */
export function lanPublicUrl(address: string, port: number): string {
  return `http://${address}:${port}`
}
