// The pairing feature: a second bundle (build/features/pairing.js), loaded on the first visit to
// #pair or #privacy, or once the policy is accepted to resume the consent outbox. The reader
// never waits for it, and before 同意 it is not even fetched. Everything it imports from the
// rest of the app comes from the first bundle's instances (see src/tv/features/hostModules.ts).
import type { PlatformBridge } from '../../platform/PlatformBridge'
import { ConsentServices } from './services/ConsentServices'

export { default as PairPage } from './pages/PairPage'
export { default as PrivacySettingsPage } from './pages/PrivacySettingsPage'
export type { ConsentServices }

export function createConsentServices(bridge: PlatformBridge, baseUrl: string): ConsentServices {
  return new ConsentServices(bridge, baseUrl)
}
