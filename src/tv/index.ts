import type { AppData, PlatformSettings } from '@lightningjs/sdk'
import App from './App'
import { appContext } from './services/AppContext'
import { pairingServiceUrl } from './services/pairingServiceUrl'
import { loadPairingFeature } from './features/pairingFeature'
import { platformBridge } from './platform/PlatformBridge'
import { registerRemoteKeys, type RemoteKeyGlobals } from './platform/remoteKeys'
import { startTv } from './startup'
import { appLifecycle } from './services/AppLifecycle'

export default function (appSettings: Parameters<typeof startTv>[1], platformSettings: PlatformSettings, appData: AppData) {
  registerRemoteKeys(window as unknown as RemoteKeyGlobals)
  appLifecycle().attach(document, platformBridge())
  // The consent relay comes with the pairing feature, a second bundle loaded once the policy is accepted.
  appContext().provideConsentServices(async () => {
    const feature = await loadPairingFeature()
    return () => feature.createConsentServices(platformBridge(), pairingServiceUrl())
  })
  return startTv(App, appSettings, platformSettings, appData)
}
