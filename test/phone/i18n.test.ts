import { describe, expect, it } from 'vitest'
import { LOCALES, phoneName, pickLocale, scopeList, STRINGS } from '../../src/phone/i18n'

describe('language', () => {
  it('Chinese by default, English when the browser prefers it, a saved choice first', () => {
    expect(pickLocale([])).toBe('zh-CN')
    expect(pickLocale(['fr-FR', 'de'])).toBe('zh-CN')
    expect(pickLocale(['en-GB', 'zh-CN'])).toBe('en-US')
    expect(pickLocale(['zh-TW', 'en-US'])).toBe('zh-CN')
    expect(pickLocale(['fr', 'en'])).toBe('en-US')
    expect(pickLocale(['EN-us'])).toBe('en-US')
    expect(pickLocale(['en-US'], 'zh-CN')).toBe('zh-CN')
    expect(pickLocale(['zh-CN'], 'en-US')).toBe('en-US')
    expect(pickLocale(['en-US'], 'klingon')).toBe('en-US')
  })

  it('both languages say everything (no empty string where the other has text)', () => {
    const walk = (a: unknown, b: unknown, path: string) => {
      if (typeof a === 'string') {
        expect(typeof b, path).toBe('string')
        if (path !== 'policyOnlyChinese') expect((b as string).length, path).toBeGreaterThan(0)
        return
      }
      if (typeof a === 'function') {
        expect(typeof b, path).toBe('function')
        return
      }
      const ka = Object.keys(a as object).sort()
      expect(Object.keys(b as object).sort(), path).toEqual(ka)
      for (const k of ka) walk((a as any)[k], (b as any)[k], path ? `${path}.${k}` : k)
    }
    walk(STRINGS['zh-CN'], STRINGS['en-US'], '')
    walk(STRINGS['en-US'], STRINGS['zh-CN'], '')
    for (const l of LOCALES) expect(STRINGS[l].locale).toBe(l)
  })

  it('the confirm question shows the code as the TV does', () => {
    expect(STRINGS['zh-CN'].confirmQuestion('WDJB-MJHT')).toBe('您的电视是否显示 WDJB-MJHT？')
    expect(STRINGS['en-US'].confirmQuestion('WDJB-MJHT')).toBe('Does your TV show WDJB-MJHT?')
  })

  it('waits are told in minutes when long, seconds when short', () => {
    expect(STRINGS['zh-CN'].codeError.rateLimited(600)).toContain('10 分钟')
    expect(STRINGS['en-US'].codeError.rateLimited(30)).toContain('30 seconds')
    expect(STRINGS['en-US'].codeError.rateLimited(1)).toContain('1 second.')
    expect(STRINGS['zh-CN'].timeLeft(899_001)).toBe('剩余时间 15:00')
    expect(STRINGS['en-US'].timeLeft(61_000)).toBe('Time left 1:01')
  })

  it('scope lists', () => {
    expect(scopeList(STRINGS['zh-CN'], ['bluetooth', 'location'])).toBe('蓝牙配对、附近大屏（定位）')
    expect(scopeList(STRINGS['en-US'], ['bluetooth', 'network'])).toBe('Bluetooth pairing, Network setup for the TV')
  })
})

describe('phone name shown on the TV', () => {
  it.each([
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1', 'zh-CN', 'iPhone'],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240805.005) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36', 'zh-CN', 'Pixel 8'],
    ['Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36', 'zh-CN', 'Android 手机'],
    ['Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36', 'en-US', 'Android phone'],
    ['Mozilla/5.0 (X11; Linux x86_64)', 'en-US', 'Phone browser'],
  ] as const)('%s', (ua, locale, name) => {
    const n = phoneName(ua, locale)
    expect(n).toBe(name)
    // The claim schema: 1–64 characters, no control characters.
    expect(n.length).toBeGreaterThan(0)
    expect(n.length).toBeLessThanOrEqual(64)
    expect(/[\u0000-\u001f\u007f]/.test(n)).toBe(false)
  })
})
