import type { Decisions, Scope } from '../../core/protocol'
import { LocalStorageStore, type KeyValueStore } from '../services/KeyValueStore'
import { log } from '../qa/testHook'
import { platformVoiceGuidance, type PlatformGlobals } from './platformVoiceGuidance'

/** Who this TV is, as the pairing service and the phone see it. */
export interface DeviceIdentity {
  /** Stable device id (firmware serial or an id the OEM provisions). Sent to the service only. */
  id: string
  /** Name the phone shows ("客厅电视"). */
  name: string
  firmwareVersion?: string
}

export interface SignableRequest {
  method: string
  /**
   * The service's host as it names itself (`signingHost` of its issuer URL, e.g.
   * `pair.example.com`): signed, so the request verifies on no other deployment.
   */
  host: string
  /** Path with query string exactly as sent, e.g. `/v1/pairings`. */
  path: string
  body: string
}

/** What the viewer allowed, handed to firmware to start the real provisioning. */
export interface ProvisioningGrant {
  pairingId: string
  receiptId: string
  phoneName: string
  decisions: Decisions
}

/**
 * The seam between the TV app and the OEM firmware. Integrators supply it as
 * `window.MiiteePlatformBridge` before the app starts; the browser default below serves
 * development and the reference build.
 */
export interface PlatformBridge {
  identity(): DeviceIdentity
  /** Persistent storage that survives app restarts (consent outbox, preferences). */
  storage(): KeyValueStore
  /**
   * Signs a request with the OEM-provisioned device credential (HMAC headers, see
   * src/core/protocol/signing.ts). Absent → requests go unsigned, which only a service in
   * dev mode accepts.
   */
  signRequest?(req: SignableRequest): Promise<Record<string, string>>
  /**
   * The service recorded the viewer's answer and these scopes were granted: start the real
   * Bluetooth pairing / Wi-Fi provisioning / location here (a rejection is logged, never retried).
   */
  onProvisioning?(scopes: Scope[], grant: ProvisioningGrant): void | Promise<void>
  /** The same call under its earlier name, made when a bridge has no onProvisioning. */
  provisioningAuthorized?(scopes: Scope[], grant: ProvisioningGrant): void | Promise<void>
  /** Scopes the viewer withdrew: stop and forget what they enabled. */
  provisioningWithdrawn?(scopes: Scope[], pairingId: string): void | Promise<void>
  /** Whether the platform's voice guidance is on (its accessibility setting). Absent: off unless the viewer turns it on. */
  voiceGuidance?(): boolean | Promise<boolean>
  /** Speaks through the platform's TTS; absent: the engine's speechSynthesis. Resolves when spoken. */
  speak?(text: string, opts: { lang: string; rate: number }): void | Promise<void>
  /** Stops what speak() is saying. */
  cancelSpeech?(): void
  /**
   * Closes the app (the viewer confirmed Exit at the root). Absent: Tizen's application exit,
   * webOS's platformBack, or window.close().
   */
  exit?(): void | Promise<void>
  /**
   * The platform's own suspend / resume, where the document's visibilitychange does not say it
   * (Firebolt's Lifecycle: 'inactive' / 'suspended' → false, 'foreground' → true): call the
   * listener on each change; return a function that stops. While false, the app pauses its timers
   * and the pairing stream.
   */
  onVisibility?(listener: (visible: boolean) => void): () => void
}

/** Browser default: random device id kept in localStorage, no credential, provisioning shown on screen. */
export class BrowserPlatformBridge implements PlatformBridge {
  private readonly kv: KeyValueStore
  private _identity: DeviceIdentity | null = null

  constructor(
    kv: KeyValueStore = new LocalStorageStore(),
    private readonly deviceName = 'Miitee TV',
  ) {
    this.kv = kv
  }

  identity(): DeviceIdentity {
    if (!this._identity) {
      let id = this.kv.get('device-id')
      if (!id) {
        id = `browser-${randomId(16)}`
        this.kv.set('device-id', id)
      }
      this._identity = { id, name: this.deviceName, firmwareVersion: 'browser' }
    }
    return this._identity
  }

  storage(): KeyValueStore {
    return this.kv
  }

  onProvisioning(scopes: Scope[], grant: ProvisioningGrant): void {
    // No radio to drive in a browser: say what firmware would start now.
    log(`provisioning authorized: ${scopes.join(',')} for pairing ${grant.pairingId}`)
  }

  /** Tizen's voice guide menu value or webOS's audio guidance, where the engine is one of theirs. */
  voiceGuidance(): Promise<boolean> {
    return platformVoiceGuidance(window as unknown as PlatformGlobals)
  }
}

export function randomId(bytes: number): string {
  const a = new Uint8Array(bytes)
  crypto.getRandomValues(a)
  return Array.from(a, (b) => b.toString(16).padStart(2, '0')).join('')
}

let bridge: PlatformBridge | null = null

export function platformBridge(): PlatformBridge {
  if (!bridge) {
    const supplied = (window as unknown as { MiiteePlatformBridge?: PlatformBridge }).MiiteePlatformBridge
    bridge = supplied ?? new BrowserPlatformBridge()
  }
  return bridge
}

export function setPlatformBridge(b: PlatformBridge): void {
  bridge = b
}
