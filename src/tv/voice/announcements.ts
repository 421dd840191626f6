// What the app says, built from what it draws: the i18n strings of the UI and the paginator's
// items of the policy, each in its own language.
import type { Page } from '../../core/layout/types'
import { itemReading, pageReading, type SpokenPart } from '../../core/speech/pageReading'
import { appContext } from '../services/AppContext'
import type { StringKey } from '../i18n/strings'
import type { Utterance } from './VoiceGuide'

/** A UI text as it is said: the key hint's arrows as key names (in the strings `t` gives), spaces collapsed. */
export function spokenForm(text: string, t: (key: StringKey) => string): string {
  return text
    .replace(/↑\s*↓/g, ` ${t('spokenUpDown')} `)
    .replace(/←\s*→/g, ` ${t('spokenLeftRight')} `)
    .replace(/\s+/g, ' ')
    .trim()
}

/** A UI string in the UI language, with the key hint's arrows said as key names. */
export function ui(text: string): Utterance {
  const ctx = appContext()
  return { text: spokenForm(text, (key) => ctx.t(key)), lang: ctx.prefs.language }
}

/** A UI string by key. */
export function uiKey(key: StringKey, vars?: Record<string, string | number>): Utterance {
  return ui(appContext().t(key, vars))
}

/** Policy text, in the policy's own language whatever the UI's. */
export function policyText(text: string): Utterance {
  return { text, lang: appContext().doc.locale }
}

/** A QR: its caption as the reader draws it (what scanning does, then the link), the URL's scheme unsaid. */
function qrUtterance(caption: string): Utterance {
  return uiKey('spokenQr', { caption: caption.replace(/https?:\/\//g, '').replace(/\/(?=\s|$)/g, '') })
}

function utterancesOf(parts: SpokenPart[]): Utterance[] {
  return parts.map((p) => (p.kind === 'text' ? policyText(p.text) : qrUtterance(p.caption)))
}

/** A page of the policy in reading order. */
export function pageUtterances(page: Page | undefined): Utterance[] {
  return page ? utterancesOf(pageReading(page)) : []
}

/** One block of a page (the reader's focused block). */
export function itemUtterances(page: Page | undefined, index: number): Utterance[] {
  return page && index >= 0 ? utterancesOf(itemReading(page, index)) : []
}

/** A button: its label, its role and where it is in its row ("同意，按钮，1/3"). */
export function spokenButton(label: string, n: number, total: number): Utterance {
  return uiKey('spokenButton', { label, n, total })
}

/** A list entry, with its value when it has one ("文字大小：中，2/5"). */
export function spokenEntry(label: string, value: string | undefined, n: number, total: number): Utterance {
  return value ? uiKey('spokenSetting', { label, value, n, total }) : uiKey('spokenItem', { label, n, total })
}
