// Which language the page speaks: zh-CN by default, en-US when the browser prefers English, and
// a saved choice (the header button) before either.
export type Locale = 'zh-CN' | 'en-US'
export const LOCALES: readonly Locale[] = ['zh-CN', 'en-US']

/** The reader's language: a saved choice first, then the first of navigator.languages we speak, else Chinese. */
export function pickLocale(languages: readonly string[], saved?: string | null): Locale {
  if (saved === 'zh-CN' || saved === 'en-US') return saved
  for (const l of languages) {
    const t = l.toLowerCase()
    if (t === 'zh' || t.startsWith('zh-')) return 'zh-CN'
    if (t === 'en' || t.startsWith('en-')) return 'en-US'
  }
  return 'zh-CN'
}
