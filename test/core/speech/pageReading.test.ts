import { describe, expect, it } from 'vitest'
import { itemReading, joinLines, pageReading } from '../../../src/core/speech/pageReading'
import type { Page, PageItem } from '../../../src/core/layout/types'

const font = { family: 'f', size: 30, weight: 'normal' as const }
const anchor = { sectionId: 's1', block: 0, offset: 0 }
const box = { x: 0, y: 0, width: 100, height: 40, anchor }

function text(role: 'section-title' | 'heading' | 'paragraph' | 'list-item', lines: string[]): PageItem {
  return { ...box, kind: 'text', role, lines, font, lineHeight: 40, continued: false }
}

function row(cells: string[][], header = false): PageItem {
  return {
    ...box,
    kind: 'table-row',
    header,
    repeated: false,
    continued: false,
    cells: cells.map((lines, i) => ({ x: i * 100, width: 100, lines })),
    font,
    lineHeight: 40,
    padding: 10,
    paddingY: 5,
  }
}

const page: Page = {
  index: 0,
  sectionId: 's1',
  sectionTitle: '一、权限',
  items: [
    text('section-title', ['一、权限']),
    text('paragraph', ['我们会申请以下权限,', '用于配网。']),
    row([['权限名称'], ['用到的地方']], true),
    row([['蓝牙'], ['大屏配网', '大屏遥控']]),
    row([['网络'], []]),
    {
      ...box,
      kind: 'sdk-card',
      title: ['微信', 'SDK'],
      titleFont: font,
      titleLineHeight: 40,
      fields: [{ index: 1, label: '使用目的', labelLines: ['使用目的'], lines: ['分享'], x: 0, width: 10, labelX: 0, labelWidth: 10, y: 0 }],
      font,
      labelFont: font,
      lineHeight: 40,
      padding: 10,
      continued: false,
    },
    { ...box, kind: 'qr', href: 'mailto:miitee@example.com', caption: ['扫码', 'miitee@example.com'], size: 100, captionX: 0, captionY: 0, captionWidth: 10, captionFont: font, captionLineHeight: 40 },
  ],
}

describe('pageReading', () => {
  it('reads the page in order: text joined across its line breaks, table rows as "column：value", the header row unread, cards field by field, a QR as its caption as drawn', () => {
    expect(pageReading(page)).toEqual([
      { kind: 'text', text: '一、权限' },
      { kind: 'text', text: '我们会申请以下权限,用于配网。' },
      { kind: 'text', text: '权限名称：蓝牙；用到的地方：大屏配网大屏遥控' },
      { kind: 'text', text: '权限名称：网络' },
      { kind: 'text', text: '微信SDK' },
      { kind: 'text', text: '使用目的：分享' },
      { kind: 'qr', href: 'mailto:miitee@example.com', caption: '扫码miitee@example.com' },
    ])
  })

  it('a focused row still pairs its cells with the header above it; rows of a table without a header are read cell after cell', () => {
    expect(itemReading(page, 3)).toEqual([{ kind: 'text', text: '权限名称：蓝牙；用到的地方：大屏配网大屏遥控' }])
    const noHeader: Page = { ...page, items: [row([['A'], ['B']])] }
    expect(pageReading(noHeader)).toEqual([{ kind: 'text', text: 'A；B' }])
  })

  it('joins Latin words broken across lines with a space, and CJK without one', () => {
    expect(joinLines(['Read the', 'policy'])).toBe('Read the policy')
    expect(joinLines(['隐私', '政策'])).toBe('隐私政策')
    expect(joinLines(['版本', 'v2'])).toBe('版本v2')
  })
})
