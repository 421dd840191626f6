// The phone page (`/P/<token>` and `/link`): what a phone user sees after scanning the TV's QR.
import { Api } from './api'
import { Controller } from './controller'
import { STRINGS } from './i18n'
import { pickLocale, type Locale } from './locale'
import { phoneName } from './phone-name'
import { POLICY_HASH } from './policy-view'
import { parseRoute } from './route'
import { SessionStore } from './session'
import { IdbKeyStore, tabSealer } from './tab-key'
import { PageView } from './view'

const LOCALE_KEY = 'miitee.phone.locale'

function safe<T>(fn: () => T): T | null {
  try {
    return fn()
  } catch {
    return null
  }
}

function boot(): void {
  const root = document.getElementById('app')
  const langButton = document.getElementById('lang') as HTMLButtonElement | null
  if (!root || !langButton) return
  const route = parseRoute(location.pathname, location.search)
  const languages = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || '']
  let locale: Locale = pickLocale(languages, safe(() => localStorage.getItem(LOCALE_KEY)))
  const api = new Api(route.prefix)
  const streaming = typeof ReadableStream !== 'undefined' && typeof TextDecoder !== 'undefined' && typeof Response !== 'undefined' && 'body' in Response.prototype
  // The phone token is kept for a reload only sealed under this tab's key; without crypto.subtle
  // (not a secure context) or IndexedDB it stays in memory, and a reload cannot resume.
  const storage = safe(() => window.sessionStorage)
  const idb = safe(() => window.indexedDB)
  const webCrypto = safe(() => window.crypto)
  const sealer = tabSealer(storage, idb ? new IdbKeyStore(idb) : null, webCrypto)
  const ctl = new Controller(route, {
    api,
    sessions: new SessionStore(storage, sealer, webCrypto?.subtle ?? null),
    phoneName: () => phoneName(navigator.userAgent, locale),
    streaming,
  })

  let policyLoading = false
  const loadPolicy = () => {
    if (policyLoading) return
    policyLoading = true
    view.setPolicy({ kind: 'loading' }, ctl.state, Date.now())
    api.policy().then(
      (doc) => {
        policyLoading = false
        view.setPolicy({ kind: 'ready', doc }, ctl.state, Date.now())
        applyHash()
      },
      () => {
        policyLoading = false
        view.setPolicy({ kind: 'failed' }, ctl.state, Date.now())
      },
    )
  }

  const view = new PageView(root, ctl, STRINGS[locale], { linkHref: `${route.prefix}/link`, onRetryPolicy: loadPolicy })

  const applyLocale = () => {
    const t = STRINGS[locale]
    document.documentElement.lang = locale
    document.title = t.pageTitle
    langButton.textContent = t.switchTo
    langButton.lang = t.switchToLang === 'en-US' ? 'en' : 'zh-CN'
    langButton.hidden = false
  }
  langButton.addEventListener('click', () => {
    locale = STRINGS[locale].switchToLang
    safe(() => localStorage.setItem(LOCALE_KEY, locale))
    applyLocale()
    view.setStrings(STRINGS[locale], ctl.state, Date.now())
  })

  const applyHash = () => {
    const hash = location.hash
    if (hash.indexOf(POLICY_HASH) === 0) view.showPolicy(true, hash.length > POLICY_HASH.length ? hash.slice(1) : undefined)
    else view.showPolicy(false)
  }
  window.addEventListener('hashchange', applyHash)

  ctl.subscribe((s, prev) => view.render(s, prev, Date.now()))
  setInterval(() => view.tick(ctl.state, Date.now()), 1000)
  window.addEventListener('online', () => ctl.retryNow())
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) ctl.retryNow()
  })

  applyLocale()
  view.render(ctl.state, null, Date.now())
  void ctl.start().then(() => view.started())
  loadPolicy()
  applyHash()
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot)
else boot()
