import { describe, expect, it } from 'vitest'
import { scopeList, STRINGS } from '../../src/phone/i18n'
import { LOCALES, pickLocale } from '../../src/phone/locale'

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
