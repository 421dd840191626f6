import type { PlatformBridge } from '../../../platform/PlatformBridge'
import { ConsentHistoryStore } from './ConsentHistoryStore'
import { ConsentOutbox } from './ConsentOutbox'
import { PairingApi } from './PairingApi'
import { onConsentDelivered } from './consentDelivered'

/**
 * Network-facing consent machinery, created only after the viewer accepted the policy
 * (before that the app contacts no host but its own static assets).
 */
export class ConsentServices {
  readonly api: PairingApi
  readonly outbox: ConsentOutbox
  readonly history: ConsentHistoryStore
  /** TV tokens live in memory only; after a restart the outbox signs with the device credential. */
  readonly tokens = new Map<string, string>()

  constructor(readonly bridge: PlatformBridge, baseUrl: string) {
    const store = bridge.storage()
    this.api = new PairingApi(baseUrl, bridge)
    this.history = new ConsentHistoryStore(store)
    this.outbox = new ConsentOutbox(store, {
      send: (entry) => this.api.sendConsent(entry.kind, entry.pairingId, entry.id, entry.body as never, this.tokens.get(entry.pairingId)),
    })
    this.outbox.on((e) => onConsentDelivered(e, this.history, bridge))
    // Deliver whatever a previous run left behind.
    this.outbox.start()
  }
}
