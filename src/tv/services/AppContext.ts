import type { PolicyDocument } from '../../core/policy/model'
import type { TextSize } from '../../core/layout/types'
import { qrCaptions, translate, type StringKey, type UiLanguage } from '../i18n/strings'
import { appGlyphWidths } from '../text/canvasGlyphWidths'
import { FONT_METRICS_PATH, loadFontMetrics } from '../text/fontMetrics'
import { fontsSettled } from '../text/fontLoader'
import { log } from '../qa/testHook'
import type { KeyValueStore } from './KeyValueStore'
import type { ConsentServices } from '../features/pairing'
import { platformBridge } from '../platform/PlatformBridge'
import { PolicyAcceptanceStore } from './PolicyAcceptanceStore'
import { PolicyLibrary, loadPolicy } from './PolicyLibrary'
import type { PolicyLoadOptions } from './policyRequests'
import { PreferencesStore, type Preferences } from './PreferencesStore'
import { READER_BODY, QR_SIZE, GATE_BODY } from '../theme/layout'

type Listener = (prefs: Preferences) => void

/** Loads the pairing feature and returns how to make its consent relay; given by the entry point. */
export type ConsentServicesLoader = () => Promise<() => ConsentServices>

/** The app's shared services: storage, preferences, the policy and its paginations. */
export class AppContext {
  readonly preferences: PreferencesStore
  readonly acceptance: PolicyAcceptanceStore
  prefs: Preferences
  library: PolicyLibrary | null = null
  private listeners: Listener[] = []

  constructor(readonly store: KeyValueStore) {
    this.preferences = new PreferencesStore(store)
    this.acceptance = new PolicyAcceptanceStore(store)
    this.prefs = this.preferences.load()
  }

  get doc(): PolicyDocument {
    if (!this.library) throw new Error('policy not loaded')
    return this.library.doc
  }

  private _loading: Promise<PolicyDocument> | null = null

  /** Fetches the policy once; the entry point starts it while the fonts load, the router's boot awaits it. */
  loadPolicy(baseUrl: string, options?: PolicyLoadOptions): Promise<PolicyDocument> {
    if (!this._loading) {
      // The glyph advances come with the policy: the first pagination then measures nothing.
      const metrics = loadFontMetrics(baseUrl + FONT_METRICS_PATH)
      // Pages are laid out with the table while the fonts download; check it once they are in.
      void fontsSettled().then(() => this.confirmLayout())
      this._loading = loadPolicy(baseUrl, options).then(async (doc) => {
        await metrics
        this.library = new PolicyLibrary(doc, appGlyphWidths(), READER_BODY, QR_SIZE)
        return doc
      })
      // A failed fetch may be retried by the next caller.
      this._loading.catch(() => {
        this._loading = null
      })
    }
    return this._loading
  }

  /**
   * Once the fonts are in: if the glyph table disagrees with them (a face failed to load, or the
   * engine draws other advances), lays every shown page out again with measured widths.
   */
  confirmLayout(): void {
    if (appGlyphWidths().confirm()) return
    log('glyph table disagrees with the loaded fonts: text is measured and laid out again')
    this.library?.clear()
    this.listeners.forEach((l) => l(this.prefs))
  }

  t(key: StringKey, vars?: Record<string, string | number>): string {
    return translate(this.prefs.language, key, vars)
  }

  pagination(textSize: TextSize = this.prefs.textSize) {
    if (!this.library) throw new Error('policy not loaded')
    return this.library.pagination({ textSize, qrCaptions: qrCaptions(this.prefs.language) })
  }

  /** The summary (摘要) alone, laid out for the consent gate's shorter body. */
  summaryPagination(textSize: TextSize = this.prefs.textSize) {
    if (!this.library) throw new Error('policy not loaded')
    const summary = this.library.doc.sections.find((s) => s.part === 'summary')
    return this.library.pagination({
      textSize,
      qrCaptions: qrCaptions(this.prefs.language),
      body: GATE_BODY,
      sectionIds: summary ? [summary.id] : [],
    })
  }

  update(change: Partial<Preferences>): void {
    this.prefs = { ...this.prefs, ...change }
    this.preferences.save(this.prefs)
    this.listeners.forEach((l) => l(this.prefs))
  }

  onChange(l: Listener): () => void {
    this.listeners.push(l)
    return () => {
      this.listeners = this.listeners.filter((x) => x !== l)
    }
  }

  private _consent: ConsentServices | null = null
  private _loadConsent: ConsentServicesLoader | null = null

  /** How to load the consent relay once the policy is accepted (the entry point injects the feature loader). */
  provideConsentServices(loader: ConsentServicesLoader): void {
    this._loadConsent = loader
  }

  /** Pairing and consent relay, once started (see startConsent); null before. */
  consent(): ConsentServices | null {
    return this._consent
  }

  /**
   * Starts the pairing and consent relay (loading the pairing feature first); only once the
   * policy is accepted, since nothing leaves the TV before. Resolves null when it is not.
   */
  async startConsent(): Promise<ConsentServices | null> {
    if (!this.library || !this.acceptance.isAccepted(this.library.doc) || !this._loadConsent) return null
    const create = await this._loadConsent()
    if (!this._consent && this.acceptance.isAccepted(this.library.doc)) this._consent = create()
    return this._consent
  }

  setLanguage(language: UiLanguage) {
    this.update({ language })
  }

  clearLocalData() {
    this.store.clear()
    this.prefs = this.preferences.load()
    this.listeners.forEach((l) => l(this.prefs))
  }
}

let current: AppContext | null = null

export function appContext(): AppContext {
  if (!current) current = new AppContext(platformBridge().storage())
  return current
}

/** Tests and OEM bridges replace the context (e.g. with firmware storage) before launch. */
export function setAppContext(ctx: AppContext): void {
  current = ctx
}
