// The gate's "policy changed" line: sections by title while the line fits, else by short name,
// else by count; the generic line when the acceptance cannot tell; English speech by number.
import { describe, expect, it } from 'vitest'
import type { PolicyDocument, PolicySection } from '../../../src/core/policy/model'
import { translate, type UiLanguage } from '../../../src/tv/i18n/strings'
import { policyChangeNotice } from '../../../src/tv/pages/policyChangeNotice'

const section = (id: string, title: string, ordinal?: string, part: 'summary' | 'full' = 'full'): PolicySection => ({ id, part, title, ...(ordinal ? { ordinal } : {}), blocks: [{ type: 'paragraph', text: 'x' }], sha256: '0'.repeat(64) })
const doc: PolicyDocument = {
  schema: 1, id: 'p', version: '2', effectiveDate: '2024-02-29', locale: 'zh-CN', title: 't', sha256: 'f'.repeat(64),
  sections: [section('summary', '摘要:', undefined, 'summary'), section('full-intro', '隐私政策:'), section('s3', '三、我们如何共享', '三'), section('s8', '八、本政策如何更新', '八'), section('s12', '十二、附则', '十二')],
}
const notice = (lang: UiLanguage, ids: string[] | null, maxChars = 1000) =>
  policyChangeNotice(doc, { sections: ids }, lang, (k, v) => translate(lang, k, v), (line) => line.length <= maxChars)

describe('policyChangeNotice', () => {
  it('nothing changed: no notice', () => {
    expect(policyChangeNotice(doc, null, 'zh-CN', (k, v) => translate('zh-CN', k, v), () => true)).toBeNull()
  })

  it('names the changed sections by their titles (without the trailing colon) when the line fits', () => {
    expect(notice('zh-CN', ['s8'])).toEqual({
      shown: '隐私政策已更新，有变化的章节：“八、本政策如何更新”（目录中标有“已更新”）。请阅读后重新确认。',
      spoken: '隐私政策已更新，有变化的章节：“八、本政策如何更新”（目录中标有“已更新”）。请阅读后重新确认。',
      sectionIds: ['s8'],
    })
    expect(notice('zh-CN', ['summary', 's3', 's8'])!.shown).toContain('“摘要”、“三、我们如何共享”、“八、本政策如何更新”')
  })

  it('in English shows the titles as the contents do, but says the sections by number', () => {
    const n = notice('en-US', ['summary', 's8', 's12'])!
    expect(n.shown).toBe('The privacy policy has changed in "摘要", "八、本政策如何更新" and "十二、附则" (marked "Updated" in the contents). Please read and confirm again.')
    expect(n.spoken).toBe('The privacy policy has changed in the summary, section 8 and section 12 (marked "Updated" in the contents). Please read and confirm again.')
  })

  it('falls back to short names, then to a count, as the line gets too wide', () => {
    const titles = notice('zh-CN', ['full-intro', 's3', 's8'])!.shown
    const short = notice('zh-CN', ['full-intro', 's3', 's8'], titles.length - 1)!
    expect(short.shown).toBe('隐私政策已更新，有变化的章节：引言、第三节、第八节（目录中标有“已更新”）。请阅读后重新确认。')
    expect(short.spoken).toBe(titles)
    expect(notice('zh-CN', ['full-intro', 's3', 's8'], short.shown.length - 1)!.shown).toBe('隐私政策已更新，共有 3 个章节有变化（目录中标有“已更新”）。请阅读后重新确认。')
    expect(notice('en-US', ['s3', 's8'], 90)!.shown).toBe('The privacy policy has changed in 2 sections (marked "Updated" in the contents). Please read and confirm again.')
  })

  it('an acceptance without section hashes, or no section changed: the generic line, no section named', () => {
    for (const ids of [null, []]) {
      expect(notice('zh-CN', ids)).toEqual({ shown: '隐私政策已更新，请重新阅读并确认。', spoken: '隐私政策已更新，请重新阅读并确认。', sectionIds: ids })
      expect(notice('en-US', ids)!.shown).toBe('The privacy policy has changed. Please read and confirm again.')
    }
  })
})
