import type { TextSize } from '../../core/layout/types'
import { UI_LANGUAGES, type UiLanguage } from '../i18n/strings'
import { readJson, type KeyValueStore } from './KeyValueStore'

export interface Preferences {
  language: UiLanguage
  textSize: TextSize
  /** The viewer's voice guidance switch; unset, the platform's setting decides. */
  voiceGuidance?: 'on' | 'off'
  speechRate: number
}

const KEY = 'preferences'
export const DEFAULT_PREFERENCES: Preferences = { language: 'zh-CN', textSize: 'M', speechRate: 1 }
export const SPEECH_RATES = [0.8, 1, 1.3] as const
const TEXT_SIZES: TextSize[] = ['S', 'M', 'L']

export class PreferencesStore {
  constructor(private readonly store: KeyValueStore) {}

  load(): Preferences {
    const saved = readJson<Partial<Preferences>>(this.store, KEY) ?? {}
    return {
      language: UI_LANGUAGES.includes(saved.language as UiLanguage) ? (saved.language as UiLanguage) : DEFAULT_PREFERENCES.language,
      textSize: TEXT_SIZES.includes(saved.textSize as TextSize) ? (saved.textSize as TextSize) : DEFAULT_PREFERENCES.textSize,
      ...(saved.voiceGuidance === 'on' || saved.voiceGuidance === 'off' ? { voiceGuidance: saved.voiceGuidance } : {}),
      speechRate: (SPEECH_RATES as readonly number[]).includes(saved.speechRate as number) ? (saved.speechRate as number) : DEFAULT_PREFERENCES.speechRate,
    }
  }

  save(prefs: Preferences): void {
    this.store.set(KEY, JSON.stringify(prefs))
  }
}

/** The rate `step` places from `current` in SPEECH_RATES; `wrap` goes round from the fastest to the slowest (OK cycles). */
export function nextSpeechRate(current: number, step: 1 | -1, wrap = false): number {
  const i = Math.max(0, (SPEECH_RATES as readonly number[]).indexOf(current))
  const n = SPEECH_RATES.length
  return SPEECH_RATES[wrap ? (i + step + n) % n : Math.min(n - 1, Math.max(0, i + step))]
}

export function nextTextSize(current: TextSize, step: 1 | -1): TextSize {
  const i = TEXT_SIZES.indexOf(current)
  return TEXT_SIZES[Math.min(TEXT_SIZES.length - 1, Math.max(0, i + step))]
}
