// A QR's caption says what scanning it does, by the link's kind, in the reader's layout and in the
// words voice guidance speaks for it (the same caption lines).
import { describe, expect, it } from 'vitest'
import { paginate } from '../../../src/core/layout/paginator'
import { qrCaptionOf } from '../../../src/core/layout/qr'
import type { LayoutOptions, QrItem } from '../../../src/core/layout/types'
import type { Link, PolicyDocument, SdkEntry } from '../../../src/core/policy/model'
import { pageReading } from '../../../src/core/speech/pageReading'
import { createGlyphWidthCache, type FontSpec } from '../../../src/core/text/glyphWidths'

const ZH = { web: '扫码在手机上阅读', mail: '扫码给 {address} 写邮件', tel: '扫码拨打 {number}' }
const EN = { web: 'Scan to read on your phone', mail: 'Scan to write an email to {address}', tel: 'Scan to call {number}' }

describe('qrCaptionOf', () => {
  it('http and https: read on the phone', () => {
    expect(qrCaptionOf('https://x5.tencent.com/tbs/policy.html', EN)).toBe('Scan to read on your phone')
    expect(qrCaptionOf('http://wiki.connect.qq.com/', ZH)).toBe('扫码在手机上阅读')
  })

  it('mailto: write an e-mail to the address, without the query, percent-decoded', () => {
    expect(qrCaptionOf('mailto:miitee@coocaa.com', EN)).toBe('Scan to write an email to miitee@coocaa.com')
    expect(qrCaptionOf('MAILTO:miitee@coocaa.com?subject=%E9%9A%90%E7%A7%81', ZH)).toBe('扫码给 miitee@coocaa.com 写邮件')
    expect(qrCaptionOf('mailto:privacy%2Btv@example.com', EN)).toBe('Scan to write an email to privacy+tv@example.com')
    // A broken escape is shown as written rather than thrown.
    expect(qrCaptionOf('mailto:a%zz@example.com', EN)).toBe('Scan to write an email to a%zz@example.com')
  })

  it('tel: call the number', () => {
    expect(qrCaptionOf('tel:+86-755-1234-5678', EN)).toBe('Scan to call +86-755-1234-5678')
    expect(qrCaptionOf('tel:4008001234', ZH)).toBe('扫码拨打 4008001234')
  })
})

// One unit per character, Chinese twice as wide: deterministic layout.
const widths = () => createGlyphWidthCache((g: string, f: FontSpec) => (g.codePointAt(0)! >= 0x2e80 ? 1 : 0.55) * f.size)

const EMAIL: Link = { kind: 'email', text: 'miitee@coocaa.com', href: 'mailto:miitee@coocaa.com' }
const WEB: Link = { kind: 'url', text: 'https://x5.tencent.com/tbs/policy.html', href: 'https://x5.tencent.com/tbs/policy.html' }
const TEL: Link = { kind: 'url', text: '4008001234', href: 'tel:4008001234' }
const CARD: SdkEntry = { name: '腾讯x5', fields: [{ key: 'purpose', label: '使用目的', value: '文档预览' }], links: [WEB, EMAIL] }

function doc(): PolicyDocument {
  return {
    schema: 1,
    id: 'qr',
    version: '1',
    effectiveDate: '2024-02-29',
    locale: 'zh-CN',
    title: 't',
    sha256: '0'.repeat(64),
    sections: [
      {
        id: 's9',
        part: 'full',
        ordinal: '九',
        title: '如何联系我们',
        blocks: [
          { type: 'paragraph', text: '详见 https://x5.tencent.com/tbs/policy.html,或发邮件至 miitee@coocaa.com,或致电 4008001234。', links: [WEB, EMAIL, TEL] },
          { type: 'sdk', entries: [CARD] },
        ],
      },
    ],
  }
}

const options = (captions: typeof ZH): LayoutOptions => ({ page: { width: 1728, height: 820 }, textSize: 'M', qrCaptions: captions, qrSize: 200 })
const qrItems = (captions: typeof ZH) =>
  paginate(doc(), options(captions), widths())
    .pages.flatMap((p) => p.items)
    .filter((i): i is QrItem => i.kind === 'qr')
const shown = (q: QrItem) => q.caption.join(' ')

describe('QR captions in the layout', () => {
  for (const [lang, captions] of [['zh-CN', ZH], ['en-US', EN]] as const) {
    it(`${lang}: each QR under a paragraph and beside a card is captioned by its link's kind`, () => {
      const qrs = qrItems(captions)
      const row = qrs.filter((q) => q.captionX > 0)
      const column = qrs.filter((q) => q.captionX === 0)
      expect(row.map((q) => q.href)).toEqual([WEB.href, EMAIL.href, TEL.href])
      expect(column.map((q) => q.href)).toEqual([WEB.href, EMAIL.href])
      const [web, mail, tel] = row
      // The web link: what scanning does, then the address as written (to type it instead).
      expect(shown(web).startsWith(captions.web)).toBe(true)
      expect(shown(web).replace(/\s/g, '')).toContain(WEB.text)
      // The e-mail and the number are in the caption itself, once.
      const mailCaption = captions.mail.replace('{address}', EMAIL.text)
      expect(shown(mail).replace(/\s/g, '')).toBe(mailCaption.replace(/\s/g, ''))
      expect(shown(tel).replace(/\s/g, '')).toBe(captions.tel.replace('{number}', '4008001234').replace(/\s/g, ''))
      expect(shown(column[1]).replace(/\s/g, '')).toBe(mailCaption.replace(/\s/g, ''))
      expect(shown(column[0])).toBe(captions.web)
      for (const q of qrs) expect(q.captionY + q.caption.length * q.captionLineHeight).toBeLessThanOrEqual(q.height)
    })
  }

  it('voice guidance reads the caption the page draws', () => {
    const p = paginate(doc(), options(EN), widths())
    const parts = p.pages.flatMap((page) => pageReading(page)).filter((x) => x.kind === 'qr')
    expect(parts.map((x) => x.caption)).toEqual([
      'Scan to read on your phone https://x5.tencent.com/tbs/policy.html',
      'Scan to write an email to miitee@coocaa.com',
      'Scan to call 4008001234',
      'Scan to read on your phone',
      'Scan to write an email to miitee@coocaa.com',
    ])
  })

  it('is deterministic, and the captions change only the QR items', () => {
    const a = paginate(doc(), options(ZH), widths())
    expect(paginate(doc(), options(ZH), widths())).toEqual(a)
    const b = paginate(doc(), options(EN), widths())
    const nonQr = (p: typeof a) => p.pages.map((page) => page.items.filter((i) => i.kind !== 'qr' && i.kind !== 'sdk-card'))
    expect(nonQr(b)).toEqual(nonQr(a))
  })
})
