import { Settings, Utils, type Router } from '@lightningjs/sdk'
import ConsentGatePage from './pages/ConsentGatePage'
import DeclinedPage from './pages/DeclinedPage'
import PolicyReaderPage from './pages/PolicyReaderPage'
import SettingsPage from './pages/SettingsPage'
import FeaturePage from './pages/FeaturePage'
import { loadPairingFeature } from './features/pairingFeature'
import { pairingAvailable } from './pages/ContentsEntries'
import { appContext } from './services/AppContext'
import { publishRoute } from './qa/testHook'
import type { PolicyLoadOptions } from './services/policyRequests'

const WIDGETS = ['ExitDialog']

/** The pairing feature, with the consent relay started first; never fetched before the policy is accepted. */
async function startPairing() {
  if (!pairingAvailable() || !(appContext().consent() ?? (await appContext().startConsent()))) throw new Error('the privacy policy is not accepted: the pairing feature stays unloaded')
  return loadPairingFeature()
}

/** #pair and #privacy refuse before 同意 (a cold start on them included): the consent gate instead. */
const acceptedFirst = async () => (pairingAvailable() ? true : 'gate')

/** Routes as data. Every page hash is addressable: #gate, #policy, #policy/<section>[/<block>/<offset>], #settings. */
export default {
  // Load the compiled policy from our own static assets before the first page. The fonts may
  // still be downloading: the page is laid out meanwhile, and its text drawn when they are in.
  boot: async () => {
    await appContext().loadPolicy(Utils.asset(''), Settings.get('app', 'policy', undefined) as PolicyLoadOptions | undefined)
  },
  root: async () => {
    const ctx = appContext()
    if (!ctx.acceptance.isAccepted(ctx.doc)) return 'gate'
    // Accepted earlier: resume delivering any consent a previous run left in the outbox.
    void ctx.startConsent().catch(() => undefined)
    return 'policy'
  },
  afterEachRoute: (request: { hash: string }) => {
    publishRoute(request.hash)
  },
  routes: [
    { path: 'gate', component: ConsentGatePage, widgets: WIDGETS },
    { path: 'declined', component: DeclinedPage, widgets: WIDGETS },
    { path: 'policy', component: PolicyReaderPage, widgets: WIDGETS },
    {
      path: 'policy/:section',
      component: PolicyReaderPage,
      widgets: WIDGETS,
      before: async (page: PolicyReaderPage, { section }: { section: string }) => {
        page.pendingSection = section
        page.pendingAnchor = null
      },
    },
    {
      // A block of a section, e.g. the permission table's row a consent request quotes.
      path: 'policy/:section/:block/:offset',
      component: PolicyReaderPage,
      widgets: WIDGETS,
      before: async (page: PolicyReaderPage, p: { section: string; block: string; offset: string }) => {
        page.pendingSection = p.section
        page.pendingAnchor = { sectionId: p.section, block: Number(p.block), offset: Number(p.offset) }
      },
    },
    { path: 'settings', component: SettingsPage, widgets: WIDGETS },
    // Pairing screens live in a second bundle, loaded on the first visit (the reader never waits for it).
    {
      path: 'pair',
      component: FeaturePage,
      widgets: WIDGETS,
      beforeNavigate: acceptedFirst,
      before: (page: FeaturePage) => page.open(async () => (await startPairing()).PairPage),
    },
    {
      path: 'privacy',
      component: FeaturePage,
      widgets: WIDGETS,
      beforeNavigate: acceptedFirst,
      before: (page: FeaturePage) => page.open(async () => (await startPairing()).PrivacySettingsPage),
    },
  ],
} as unknown as Router.Config
