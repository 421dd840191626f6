import { Settings } from '@lightningjs/sdk'

/** The pairing service's base URL: `pairingServiceUrl` in settings.json, else the app's own origin. */
export function pairingServiceUrl(): string {
  let configured: unknown
  try {
    configured = Settings.get('app', 'pairingServiceUrl', '')
  } catch {
    configured = ''
  }
  return typeof configured === 'string' && configured ? configured.replace(/\/$/, '') : window.location.origin
}
