import { describe, expect, it } from 'vitest'
import { phoneName } from '../../src/phone/phone-name'

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
