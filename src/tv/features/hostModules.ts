// The first bundle's modules that the pairing feature (a second bundle) uses. Its build
// (tools/tv-feature-build.ts) replaces each import of these with the instance exposed here, so
// both bundles share one Lightning, one Router, one app context and one test hook. The build
// fails, naming the module, if the feature imports a module of the first bundle not listed.
import * as sdk from '@lightningjs/sdk'
import * as ButtonRow from '../components/ButtonRow'
import * as FocusList from '../components/FocusList'
import * as MenuList from '../components/MenuList'
import * as QrCode from '../components/QrCode'
import * as strings from '../i18n/strings'
import * as pageTemplate from '../theme/pageTemplate'
import * as screen from '../theme/screen'
import * as testHook from '../qa/testHook'
import * as canvasGlyphWidths from '../text/canvasGlyphWidths'
import * as ContextPage from '../pages/ContextPage'
import * as PlatformBridge from '../platform/PlatformBridge'
import * as AppContext from '../services/AppContext'
import * as AppLifecycle from '../services/AppLifecycle'
import * as KeyValueStore from '../services/KeyValueStore'
import * as announcements from '../voice/announcements'
import * as focusAnnouncer from '../voice/focusAnnouncer'
import * as VoiceGuide from '../voice/VoiceGuide'

/** Keys: `@lightningjs/sdk`, else the module's path under src/tv without extension. */
export const HOST_MODULES: Record<string, unknown> = {
  '@lightningjs/sdk': sdk,
  'components/ButtonRow': ButtonRow,
  'components/FocusList': FocusList,
  'components/MenuList': MenuList,
  'components/QrCode': QrCode,
  'i18n/strings': strings,
  'theme/pageTemplate': pageTemplate,
  'theme/screen': screen,
  'qa/testHook': testHook,
  'text/canvasGlyphWidths': canvasGlyphWidths,
  'pages/ContextPage': ContextPage,
  'platform/PlatformBridge': PlatformBridge,
  'services/AppContext': AppContext,
  'services/AppLifecycle': AppLifecycle,
  'services/KeyValueStore': KeyValueStore,
  'voice/announcements': announcements,
  'voice/focusAnnouncer': focusAnnouncer,
  'voice/VoiceGuide': VoiceGuide,
}

/** Where the feature bundle finds them (the name its build compiles in). */
export const HOST_MODULES_GLOBAL = '__miiteeTvModules'

export function exposeHostModules(): void {
  ;(globalThis as Record<string, unknown>)[HOST_MODULES_GLOBAL] = HOST_MODULES
}
