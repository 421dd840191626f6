// What the service prints on stdout once listening: the TV app's URL, the phone link and, in
// dev mode, a terminal QR of the link. Only URLs: never a token, secret or device id.
import QRCode from 'qrcode'
import { PATHS } from '../core/protocol'

export interface BannerInput {
  /** The address the service listens on (HOST). */
  host: string
  /** The port it got. */
  port: number
  /** Base of QR links (`ctx.publicUrl()`), without a trailing slash. */
  publicUrl: string
  dev: boolean
}

/** The start-up warning of dev mode: exactly what it opens, and what it leaves as it is. */
export const DEV_MODE_WARNING =
  'DEV MODE: device registration is OPEN — any client can create pairings (POST /v1/pairings, /oauth/device_authorization) without a device credential. ' +
  'Nothing else is relaxed: decisions and withdrawals still need the pairing’s TV token or a signed device credential, and signed requests are still checked. ' +
  'Never run this way in production (set DEV=0).'

const LOOPBACK = ['127.0.0.1', '::1', '[::1]', 'localhost']

/** The TV app's URL on this machine; wildcard hosts are opened as localhost. */
export function localUrl(host: string, port: number): string {
  const local = LOOPBACK.includes(host) || host === '0.0.0.0' || host === '::'
  return `http://${local ? 'localhost' : host}:${port}/`
}

function isLoopbackUrl(url: string): boolean {
  const h = new URL(url).hostname
  return LOOPBACK.includes(h) || h.startsWith('127.')
}

/**
 * The start-up text. Its first line stays `Miitee TV: http://localhost:PORT/` because scripts
 * and tests wait for it.
 */
export async function startBanner(i: BannerInput): Promise<string> {
  const tv = localUrl(i.host, i.port)
  const lines = [`Miitee TV: ${tv}`]
  const publicTv = `${i.publicUrl}/`
  if (publicTv.toLowerCase() !== tv.toLowerCase() && !isLoopbackUrl(i.publicUrl)) lines.push(`Miitee TV on the network: ${publicTv}`)
  const link = `${i.publicUrl}${PATHS.link}`
  lines.push(`Phone link: ${link}`)
  // A QR of a localhost link would send the phone to itself.
  if (i.dev && !isLoopbackUrl(link)) {
    const qr = await QRCode.toString(link, { type: 'terminal', small: true })
    lines.push('Scan with a phone on the same network to open the link:', qr.replace(/\n+$/, ''))
  }
  return `${lines.join('\n')}\n`
}
