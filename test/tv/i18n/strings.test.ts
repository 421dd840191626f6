import { describe, expect, it } from 'vitest'
import { translate, allUiText } from '../../../src/tv/i18n/strings'

describe('UI strings', () => {
  it('translates per language and fills variables', () => {
    expect(translate('zh-CN', 'agree')).toBe('同意')
    expect(translate('en-US', 'agree')).toBe('Agree')
    expect(translate('en-US', 'pageOf', { n: 3, total: 12 })).toBe('3 / 12')
  })

  it('leaves unknown variables visible instead of dropping them', () => {
    expect(translate('en-US', 'pageOf', { n: 1 })).toBe('1 / {total}')
  })

  it('exposes every UI string for the font subset', () => {
    const text = allUiText()
    for (const s of ['同意', '不同意', '阅读全文', 'Settings']) expect(text).toContain(s)
  })
})
