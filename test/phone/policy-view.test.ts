// @vitest-environment jsdom
// The policy rendered from the compiled model: the summary, and the full text with headings,
// lists, the permission table as a real table, SDK cards and live links.
import { describe, expect, it } from 'vitest'
import { documentLinks } from '../../src/core/policy/index'
import { STRINGS } from '../../src/phone/i18n'
import { renderFullPolicy, renderSummary, richText, sectionTitle } from '../../src/phone/policy-view'
import { h } from '../../src/phone/dom'
import { compiledPolicy } from './fixtures'

const t = STRINGS['zh-CN']

describe('policy as HTML', () => {
  const doc = compiledPolicy()

  it('summary: the 摘要 section’s blocks, in the policy’s language', () => {
    const el = renderSummary(doc, t)
    const summary = doc.sections.find((s) => s.part === 'summary')!
    expect(el.getAttribute('lang')).toBe('zh-CN')
    expect(el.children.length).toBe(summary.blocks.length)
    const firstPara = summary.blocks.find((b) => b.type === 'paragraph')!
    expect(el.textContent).toContain((firstPara as { text: string }).text.slice(0, 20))
    // Summary sub-headings sit below the page's h2.
    expect(el.querySelectorAll('h1, h2').length).toBe(0)
    expect(el.querySelectorAll('h3').length).toBe(summary.blocks.filter((b) => b.type === 'heading' && b.level === 2).length)
  })

  it('full text: title, contents linking to every section, one section element per section', () => {
    const el = renderFullPolicy(doc, t)
    expect(el.querySelector('h1')?.textContent).toBe(doc.title)
    const toc = Array.from(el.querySelectorAll('nav a')).map((a) => a.getAttribute('href'))
    expect(toc).toEqual(doc.sections.map((s) => `#policy-${s.id}`))
    for (const s of doc.sections) {
      const sec = el.querySelector(`#policy-${s.id}`)
      expect(sec, s.id).not.toBeNull()
      expect(sec!.querySelector('h2')?.textContent).toBe(sectionTitle(s))
    }
    expect(el.textContent).toContain(doc.version)
  })

  it('the permission table is a table with column and row headers', () => {
    const el = renderFullPolicy(doc, t)
    const table = el.querySelector('table')!
    expect(table).not.toBeNull()
    const cols = Array.from(table.querySelectorAll('thead th')).map((th) => th.textContent)
    expect(cols).toEqual(['APP权限名称', 'APP权限值', '用到的地方', '是否用到时才申请/用户确认弹框', '是否是敏感权限'])
    const rows = Array.from(table.querySelectorAll('tbody tr'))
    const bt = rows.find((r) => r.querySelector('th')?.textContent === '蓝牙')!
    expect(bt.querySelector('th')?.getAttribute('scope')).toBe('row')
    // Multi-line cells keep their lines.
    expect(bt.querySelectorAll('td')[0].querySelectorAll('br').length).toBe(4)
    expect(bt.querySelectorAll('td')[1].textContent).toBe('附近大屏大屏配网大屏遥控大屏名称')
    // Scrollable on a narrow screen and reachable with the keyboard.
    const wrap = table.parentElement!
    expect(wrap.getAttribute('tabindex')).toBe('0')
    expect(wrap.getAttribute('role')).toBe('region')
  })

  it('SDK entries are cards with their fields', () => {
    const el = renderFullPolicy(doc, t)
    const sdkBlocks = doc.sections.flatMap((s) => s.blocks.filter((b) => b.type === 'sdk'))
    const entries = sdkBlocks.flatMap((b) => (b.type === 'sdk' ? b.entries : []))
    const cards = el.querySelectorAll('.sdk-card')
    expect(cards.length).toBe(entries.length)
    expect(cards[0].querySelector('.sdk-name')?.textContent).toBe(entries[0].name)
    expect(cards[0].querySelectorAll('dt').length).toBe(entries[0].fields.filter((f) => f.key !== 'name').length)
  })

  it('every link of the document is clickable, external ones open apart without a referrer', () => {
    const el = renderFullPolicy(doc, t)
    const anchors = Array.from(el.querySelectorAll('a.policy-link'))
    const expected = documentLinks(doc)
    expect(anchors.map((a) => a.getAttribute('href'))).toEqual(expected.map((l) => l.href))
    for (const a of anchors) {
      if (a.getAttribute('href')!.startsWith('mailto:')) continue
      expect(a.getAttribute('target')).toBe('_blank')
      expect(a.getAttribute('rel')).toBe('noopener noreferrer')
    }
  })

  it('rich text: links inside Chinese text, line breaks kept, nothing else interpreted', () => {
    const el = h('p', null, richText('邮箱miitee@coocaa.com客服\n<b>见https://example.com/p.html。', t))
    const links = el.querySelectorAll('a')
    expect(Array.from(links).map((a) => a.getAttribute('href'))).toEqual(['mailto:miitee@coocaa.com', 'https://example.com/p.html'])
    expect(el.querySelectorAll('br').length).toBe(1)
    expect(el.querySelector('b')).toBeNull()
    expect(el.textContent).toContain('<b>见')
  })
})
