// The short, human name of this phone that the claim carries and the TV shows as "who asks",
// read from the user agent (iPhone, Pixel 8, "Android 手机" …).
import type { Locale } from './locale'

export function phoneName(userAgent: string, locale: Locale): string {
  const ua = userAgent
  const zh = locale === 'zh-CN'
  if (/iPhone/.test(ua)) return 'iPhone'
  if (/iPad/.test(ua)) return 'iPad'
  const android = /Android[^;)]*;\s*([^;)]+?)(?:\s+Build\/|\))/.exec(ua)
  if (android && android[1] && !/^(wv|Linux|K|U)$/.test(android[1].trim())) {
    const model = android[1].trim().replace(/[^\x20-\x7e]/g, '').slice(0, 40)
    if (model) return model
  }
  if (/Android/.test(ua)) return zh ? 'Android 手机' : 'Android phone'
  return zh ? '手机浏览器' : 'Phone browser'
}
