import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_MAX_TEXTURE_SIZE,
  TEXT_METRICS,
  isNameField,
  pageOfAnchor,
  paginate,
  sectionHeading,
} from '../../../src/core/layout/paginator'
import { qrCaptionOf } from '../../../src/core/layout/qr'
import { TEXT_SIZES, type Anchor, type LayoutOptions, type PageItem, type Pagination, type TextSize } from '../../../src/core/layout/types'
import type { Link, PolicyDocument, PolicySection, SdkEntry, TableBlock } from '../../../src/core/policy/model'
import { createGlyphWidthCache, type FontSpec, type GlyphWidthCache } from '../../../src/core/text/glyphWidths'

// ---- deterministic measurer --------------------------------------------------------------------

function fakeGlyph(glyph: string, font: FontSpec): number {
  const cp = glyph.codePointAt(0)!
  let em: number
  if (cp >= 0x2e80 || '…—“”‘’·'.includes(glyph)) em = 1
  else if (glyph === ' ') em = 0.3
  else if (/[il.,:;|!'"()[\]]/.test(glyph)) em = 0.3
  else if (/[A-Zmw]/.test(glyph)) em = 0.68
  else em = 0.55
  return em * font.size * (font.weight === 'bold' ? 1.05 : 1)
}
const widths = () => createGlyphWidthCache(fakeGlyph)

// ---- a hand-built document with the policy's shapes ---------------------------------------------

const LONG =
  '为保证您可以正常使用我们的服务,更准确地发现并解决您在使用我们的服务时遇到的问题,我们将收集您的设备信息,包括:设备型号、系统版本、网络类型、IP地址、唯一设备标识符(指由设备制造商编入到设备中的一串字符,可用于以独有方式标识相应设备)、AndroidID、剪切板、APP崩溃记录、流量统计、操作日志、音频和视频质量数据(音量及视音频丢包率、音频和视频质量数据并不涉及您的通话内容)。需要特别注意的是,单独的设备信息是无法识别自然人身份的信息。如果我们将这类非个人信息与其他信息结合用于识别特定自然人身份,或者将其与个人信息结合使用,则在结合使用期间,这类非个人信息将被视为个人信息,除取得您授权或法律法规另有规定外,我们会将这类信息做匿名化、去标识处理。'

const EMAIL: Link = { kind: 'email', text: 'miitee@coocaa.com', href: 'mailto:miitee@coocaa.com' }
const url = (u: string): Link => ({ kind: 'url', text: u, href: u })

const PERMISSIONS: TableBlock = {
  type: 'table',
  columns: ['APP权限名称', 'APP权限值', '用到的地方', '是否用到时才申请/用户确认弹框', '是否是敏感权限'],
  rows: [
    ['录音', 'android.permission.RECORD_AUDIO', '麦克风', '', ''],
    ['摄像头\n闪光灯', 'android.permission.CAMERA\nandroid.permission.FLASHLIGHT', '扫码', '', ''],
    [
      '蓝牙',
      'android.permission.BLUETOOTH\nandroid.permission.BLUETOOTH_ADMIN\nandroid.permission.BLUETOOTH_SCAN\nandroid.permission.BLUETOOTH_ADVERTISE\nandroid.permission.BLUETOOTH_CONNECT',
      '附近大屏\n大屏配网\n大屏遥控\n大屏名称',
      '',
      '',
    ],
    ['定位', 'android.permission.ACCESS_FINE_LOCATION\nandroid.permission.ACCESS_COARSE_LOCATION\nandroid.permission.ACCESS_BACKGROUND_LOCATION', '附近大屏', '', ''],
    ['申请安装应用', 'android.permission.REQUEST_INSTALL_PACKAGES', '自升级', '', ''],
    ['前台服务', 'android.permission.FOREGROUND_SERVICE', '应用保活', '', ''],
    ['读写存储权限', 'android.permission.READ_EXTERNAL_STORAGE\nandroid.permission.WRITE_EXTERNAL_STORAGE', '应用数据保存', '', ''],
    ['锁屏', 'android.permission.WAKE_LOCK', '页面常亮', '', ''],
    [
      '网络',
      'android.permission.ACCESS_NETWORK_STATE\nandroid.permission.INTERNET\nandroid.permission.ACCESS_WIFI_STATE\nandroid.permission.CHANGE_NETWORK_STATE\nandroid.permission.CHANGE_WIFI_MULTICAST_STATE',
      '访问网络、获取网络状态',
      '系统静默授权',
      '',
    ],
    ['配置变化', 'android.permission.CHANGE_CONFIGURATION', '切换横竖屏等操作', '系统静默授权', ''],
    ['震动', 'android.permission.VIBRATE', '震动反馈', '系统静默授权', ''],
    ['广播', 'android.permission.BROADCAST_STICKY', '发送广播', '系统静默授权', ''],
    ['获取任务列表', 'android.permission.GET_TASKS', '获取任务列表', '系统静默授权', ''],
    [
      '厂商推送',
      'com.meizu.flyme.push.permission.RECEIVE\ncom.meizu.c2dm.permission.RECEIVE\ncom.coloros.mcs.permission.RECIEVE_MCS_MESSAGE\ncom.heytap.mcs.permission.RECIEVE_MCS_MESSAGE',
      '推送push、保活',
      '系统静默授权',
      '',
    ],
  ],
}

function sdk(name: string, fields: Array<[SdkEntry['fields'][number]['key'], string, string]>, links: Link[] = []): SdkEntry {
  return { name, fields: [{ key: 'name', label: 'SDK名称', value: name }, ...fields.map(([key, label, value]) => ({ key, label, value }))], links }
}

const SDKS: SdkEntry[] = [
  sdk(
    '友盟统计分析SDK',
    [
      ['vendor', '第三方名称', '友盟同欣(北京)科技有限公司'],
      ['dataCollected', '收集个人信息类型', '设备信息(IMEI/MAC/Android ID/IDFA/OAID/OpenUDID/GUID/SIMIMSI/ICCID)、位置信息、网络信息'],
      ['purpose', '使用目的', '进行APP营统计与分析'],
      ['policyUrl', '隐私政策链接', 'https://www.umeng.com/page/policy'],
    ],
    [url('https://www.umeng.com/page/policy')],
  ),
  sdk(
    '微信',
    [
      ['dataCollected', '收集数据类型', '您的网络位置信息、系统类型、手机号码、SIM卡序列号、IMEIP地址、WiFi信息、MAC地址'],
      ['purpose', '使用目的', '用户可分享信息至微信或使用微信支付'],
      ['policyUrl', '隐私协议地址', 'https://weixin.qq.com/cgi-bin/readtemplate?lang=zh_CN&t=weixin_agreement&s=privacy'],
    ],
    [url('https://weixin.qq.com/cgi-bin/readtemplate?lang=zh_CN&t=weixin_agreement&s=privacy')],
  ),
  sdk('华为统一扫码SDK', [
    ['vendor', '第三方名称', '华为软件技术有限公司'],
    ['purpose', '使用目的', '为开发者应用提供码生成或扫码等能力'],
    ['policyUrl', '隐私政策链接', 'SDK隐私安全说明'],
  ]),
  sdk(
    '神策 SensorsAnalytics SDK',
    [
      ['vendor', '第三方名称', '神策网络科技(北京)有限公司'],
      ['dataCollected', '收集个人信息类型', '个人常用设备信息,设备信息( Android ID OAl D )、获取运行中的进程信息'],
      ['integration', '接入方式', '嵌入第三方 SDK ,私有化部署,不向第三方传输个人信息'],
      ['permissions', '调用权限', '访问网络、访问网络信息'],
      ['purpose', '使用目的', '用户使用效果统计分析。'],
      ['policyUrl', '隐私协议地址', 'https://www.sensorsdata.cn/terms/privacy.html'],
    ],
    [url('https://www.sensorsdata.cn/terms/privacy.html')],
  ),
]

function fixture(): PolicyDocument {
  const sections: PolicySection[] = [
    {
      id: 'summary',
      part: 'summary',
      title: '摘要',
      blocks: [
        {
          type: 'paragraph',
          text: '我们非常重视您的隐私和个人信息保护,您在使用Miitee时,我们可能会收集和使用您的相关信息,请您在开始使用前,仔细阅读、充分理解并同意接受本隐私政策的全部内容,特别是我们以粗体标识的条款。',
          strong: true,
        },
        { type: 'heading', level: 2, text: '四、如何联系我们' },
        {
          type: 'list',
          ordered: true,
          items: [
            '1.您可以向我们开通的miitee@coocaa.com客服邮箱发送邮件与我们联系;',
            '2. 您可以写信至:广东省深圳市石岩街道塘头一路创维创新谷2号楼B座北区10miitee事业部(收);邮编:518108。如我们会在收到您的意见及建议后,并在验证您的用户身份后的15个工作日内尽快向您回复。',
          ],
          links: [EMAIL],
        },
      ],
    },
    {
      id: 'full-intro',
      part: 'full',
      title: '隐私政策',
      blocks: [
        {
          type: 'paragraph',
          text: '本政策适用于深圳市酷开网络科技股份有限公司(以下简称"酷开"或者"我们")的Miitee应用产品(包括手机APP和小程序、Windows端、Mac端、网页端、TV大屏端,统称为"Miitee")。',
        },
        { type: 'list', ordered: false, items: ['权责一致原则', '目的明确原则', '选择同意原则', '最少够用原则'] },
      ],
    },
    {
      id: 's1',
      part: 'full',
      ordinal: '一',
      title: '我们如何收集和使用您的个人信息',
      blocks: [
        { type: 'paragraph', text: '个人信息是指以电子或者其他方式记录的能够单独或者与其他信息结合识别特定自然人身份或者反映特定自然人活动情况的各种信息。' },
        { type: 'heading', level: 2, text: '3. 保证服务安全、改进我们的产品与服务所必须的功能。' },
        { type: 'paragraph', text: LONG },
        { type: 'heading', level: 3, text: 'APP权限' },
        PERMISSIONS,
        { type: 'paragraph', text: '   ' },
        { type: 'paragraph', text: '您关闭权限的决定不会影响此前基于您的授权所进行的个人信息的处理。' },
      ],
    },
    {
      id: 's2',
      part: 'full',
      ordinal: '二',
      title: '二、第三方网站和服务',
      blocks: [
        {
          type: 'paragraph',
          text: '我们的隐私政策不适用于第三方提供的产品或服务,还有一些会以SDKAPI形式接入。详见https://x5.tencent.com/tbs/policy.html 与 miitee@coocaa.com。',
          links: [url('https://x5.tencent.com/tbs/policy.html'), EMAIL],
        },
        { type: 'sdk', entries: SDKS },
      ],
    },
    { id: 's10', part: 'full', ordinal: '十', title: '协议的生效', blocks: [] },
  ]
  return { schema: 1, id: 'fixture', version: '1', effectiveDate: '2024-02-29', locale: 'zh-CN', title: 'Miitee隐私政策', sections, sha256: '0'.repeat(64) }
}

function repeatSections(doc: PolicyDocument, times: number): PolicyDocument {
  const sections: PolicySection[] = []
  for (let k = 0; k < times; k++) for (const s of doc.sections) sections.push({ ...s, id: `${s.id}~${k}` })
  return { ...doc, sections }
}

const TV_BODY = { width: 1728, height: 820 }
const opts = (textSize: TextSize, page = TV_BODY, extra: Partial<LayoutOptions> = {}): LayoutOptions => ({
  page,
  textSize,
  qrCaptions: { web: '扫码在手机上阅读', mail: '扫码给 {address} 写邮件', tel: '扫码拨打 {number}' },
  qrSize: 200,
  ...extra,
})

// ---- invariant checks ---------------------------------------------------------------------------

const strip = (s: string) => s.replace(/\s/g, '')

function key(a: Anchor) {
  return `${a.sectionId}#${a.block}`
}

function expectedTexts(doc: PolicyDocument) {
  const text = new Map<string, string>()
  const cells = new Map<string, string>()
  const links = new Map<string, Set<string>>()
  const addLinks = (k: string, ls: Link[] | undefined) => {
    if (!ls || ls.length === 0) return
    const set = links.get(k) ?? new Set<string>()
    for (const l of ls) set.add(l.href)
    links.set(k, set)
  }
  for (const s of doc.sections) {
    text.set(`${s.id}#-1`, strip(sectionHeading(s)))
    s.blocks.forEach((b, i) => {
      const k = `${s.id}#${i}`
      if (b.type === 'heading' || b.type === 'paragraph') {
        if (strip(b.text)) text.set(k, strip(b.text))
        if (b.type === 'paragraph') addLinks(k, b.links)
      } else if (b.type === 'list') {
        text.set(k, strip(b.items.join('')))
        addLinks(k, b.links)
      } else if (b.type === 'table') {
        cells.set(`${k}/head`, b.columns.map(strip).join('|'))
        b.rows.forEach((row, r) => cells.set(`${k}/${r}`, row.map(strip).join('|')))
        addLinks(k, b.links)
      } else {
        b.entries.forEach((e, j) => {
          cells.set(`${k}/${j}/title`, strip(e.name))
          e.fields.forEach((f, fi) => {
            if (!isNameField(f, e)) cells.set(`${k}/${j}/${fi}`, `${strip(f.label)}=${strip(f.value)}`)
          })
          addLinks(k, e.links)
        })
      }
    })
  }
  return { text, cells, links }
}

function actualTexts(p: Pagination) {
  const text = new Map<string, string>()
  const rows = new Map<string, string[]>()
  const labels = new Map<string, string>()
  const values = new Map<string, string>()
  const links = new Map<string, Set<string>>()
  const append = (m: Map<string, string>, k: string, v: string) => m.set(k, (m.get(k) ?? '') + v)
  for (const page of p.pages) {
    for (const it of page.items) {
      const k = key(it.anchor)
      if (it.kind === 'text') append(text, k, strip(it.lines.join('')))
      else if (it.kind === 'table-row') {
        if (it.repeated) continue
        const rk = it.header ? `${k}/head` : `${k}/${it.anchor.offset}`
        const acc = rows.get(rk) ?? it.cells.map(() => '')
        it.cells.forEach((c, i) => (acc[i] += strip(c.lines.join(''))))
        rows.set(rk, acc)
      } else if (it.kind === 'sdk-card') {
        append(text, `${k}/${it.anchor.offset}/title`, strip(it.title.join('')))
        for (const f of it.fields) {
          append(labels, `${k}/${it.anchor.offset}/${f.index}`, strip(f.labelLines.join('')))
          append(values, `${k}/${it.anchor.offset}/${f.index}`, strip(f.lines.join('')))
        }
      } else {
        const set = links.get(k) ?? new Set<string>()
        set.add(it.href)
        links.set(k, set)
      }
    }
  }
  const cells = new Map<string, string>()
  for (const [k, v] of rows) cells.set(k, v.join('|'))
  for (const [k, v] of values) cells.set(k, `${labels.get(k)}=${v}`)
  for (const [k, v] of text) if (k.endsWith('/title')) cells.set(k, v)
  for (const k of [...text.keys()]) if (k.endsWith('/title')) text.delete(k)
  return { text, cells, links }
}

function anchorCmp(p: Pagination, a: Anchor, b: Anchor) {
  return p.sectionFirstPage[a.sectionId] - p.sectionFirstPage[b.sectionId] || a.block - b.block || a.offset - b.offset
}

function overlaps(a: PageItem, b: PageItem) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
}

/** Every invariant the reader relies on; returns the largest per-page item area. */
function expectValid(doc: PolicyDocument, p: Pagination, o: LayoutOptions, cache: GlyphWidthCache): number {
  const maxTex = o.maxTextureSize ?? DEFAULT_MAX_TEXTURE_SIZE
  const W = o.page.width
  const H = o.page.height
  const width = (s: string, f: FontSpec) => cache.width(s, f)
  let maxArea = 0
  let prev: Anchor | null = null
  expect(p.pages.length).toBeGreaterThan(0)
  expect(p.textSize).toBe(o.textSize)
  p.pages.forEach((page, i) => {
    expect(page.index).toBe(i)
    expect(page.items.length).toBeGreaterThan(0)
    let area = 0
    page.items.forEach((it, j) => {
      const where = `page ${i} item ${j} (${it.kind})`
      expect(it.anchor.sectionId, where).toBe(page.sectionId)
      // Inside the body box and the texture limit.
      expect(it.x, where).toBeGreaterThanOrEqual(0)
      expect(it.y, where).toBeGreaterThanOrEqual(0)
      expect(it.x + it.width, where).toBeLessThanOrEqual(W)
      expect(it.y + it.height, where).toBeLessThanOrEqual(H)
      expect(it.width, where).toBeLessThanOrEqual(maxTex)
      expect(it.height, where).toBeLessThanOrEqual(maxTex)
      expect(it.width, where).toBeGreaterThan(0)
      expect(it.height, where).toBeGreaterThan(0)
      area += it.width * it.height
      for (const other of page.items.slice(j + 1)) expect(overlaps(it, other), `${where} overlaps`).toBe(false)
      // Reading order.
      if (!(it.kind === 'table-row' && it.repeated)) {
        if (prev) expect(anchorCmp(p, prev, it.anchor), `${where} anchor order`).toBeLessThanOrEqual(0)
        prev = it.anchor
      }
      // Lines fit their boxes.
      if (it.kind === 'text') {
        expect(it.height).toBe(it.lines.length * it.lineHeight)
        for (const l of it.lines) expect(width(l, it.font), `${where} ${l}`).toBeLessThanOrEqual(it.width)
      } else if (it.kind === 'table-row') {
        let rows = 1
        for (const c of it.cells) {
          expect(c.x).toBeGreaterThanOrEqual(0)
          expect(c.x + c.width).toBeLessThanOrEqual(it.width)
          rows = Math.max(rows, c.lines.length)
          for (const l of c.lines) expect(width(l, it.font), `${where} ${l}`).toBeLessThanOrEqual(c.width - 2 * it.padding)
        }
        expect(it.height).toBe(rows * it.lineHeight + 2 * it.paddingY)
      } else if (it.kind === 'sdk-card') {
        for (const l of it.title) expect(width(l, it.titleFont)).toBeLessThanOrEqual(it.width - 2 * it.padding)
        let y = it.padding + it.title.length * it.titleLineHeight
        for (const f of it.fields) {
          expect(f.y).toBeGreaterThanOrEqual(y)
          expect(f.labelX + f.labelWidth).toBeLessThanOrEqual(f.x)
          expect(f.x + f.width).toBeLessThanOrEqual(it.width - it.padding)
          for (const l of f.lines) expect(width(l, it.font), `${where} ${l}`).toBeLessThanOrEqual(f.width)
          for (const l of f.labelLines) expect(width(l, it.labelFont), `${where} ${l}`).toBeLessThanOrEqual(f.labelWidth)
          y = f.y + Math.max(f.lines.length, f.labelLines.length) * it.lineHeight
        }
        expect(y + it.padding).toBeLessThanOrEqual(it.height)
      } else {
        expect(it.size).toBeGreaterThanOrEqual(100)
        expect(it.size).toBeLessThanOrEqual(Math.min(it.width, it.height))
        expect(it.captionX + it.captionWidth).toBeLessThanOrEqual(it.width)
        expect(it.captionY + it.caption.length * it.captionLineHeight).toBeLessThanOrEqual(it.height)
        expect(strip(it.caption.join(''))).toContain(strip(qrCaptionOf(it.href, o.qrCaptions)))
        for (const l of it.caption) expect(width(l, it.captionFont)).toBeLessThanOrEqual(it.captionWidth)
      }
    })
    expect(area).toBeLessThanOrEqual(W * H)
    maxArea = Math.max(maxArea, area)
    // Titles and headings stay with what follows them.
    const lastItem = page.items[page.items.length - 1]
    const next = p.pages[i + 1]
    if (lastItem.kind === 'text' && (lastItem.role === 'heading' || lastItem.role === 'section-title') && next) {
      expect(next.sectionId, `page ${i} ends with ${lastItem.lines.join('')}`).not.toBe(page.sectionId)
    }
  })
  // Sections start pages with their title, in order.
  let last = -1
  for (const s of doc.sections) {
    const first = p.sectionFirstPage[s.id]
    expect(first, s.id).toBeGreaterThan(last)
    last = first
    const page = p.pages[first]
    expect(page.sectionId).toBe(s.id)
    expect(page.sectionTitle).toBe(sectionHeading(s))
    const head = page.items[0]
    expect(head.kind === 'text' && head.role === 'section-title').toBe(true)
    if (first > 0) expect(p.pages[first - 1].sectionId).not.toBe(s.id)
  }
  // Nothing lost, nothing duplicated.
  const want = expectedTexts(doc)
  const got = actualTexts(p)
  expect(got.text).toEqual(want.text)
  expect(got.cells).toEqual(want.cells)
  expect(got.links).toEqual(want.links)
  return maxArea
}

// ---- tests ----------------------------------------------------------------------------------------

describe('TEXT_METRICS', () => {
  it('grows with the text size and keeps line height about 1.6 × the body size', () => {
    const [s, m, l] = TEXT_SIZES.map((t) => TEXT_METRICS[t])
    expect([s.bodySize, m.bodySize, l.bodySize]).toEqual([28, 34, 40])
    for (const x of [s, m, l]) {
      expect(x.bodyLineHeight / x.bodySize).toBeGreaterThanOrEqual(1.5)
      expect(x.bodyLineHeight / x.bodySize).toBeLessThanOrEqual(1.7)
      expect(x.tableSize).toBeGreaterThanOrEqual(24)
      expect(x.sectionTitleSize).toBeGreaterThan(x.headingSize)
      expect(x.headingSize).toBeGreaterThan(x.bodySize)
    }
    expect(s.bodyLineHeight).toBeLessThan(m.bodyLineHeight)
    expect(m.bodyLineHeight).toBeLessThan(l.bodyLineHeight)
  })
})

describe('paginate: the hand-built document', () => {
  it.each(TEXT_SIZES)('keeps every invariant at text size %s', (size) => {
    const cache = widths()
    const o = opts(size)
    expectValid(fixture(), paginate(fixture(), o, cache), o, cache)
  })

  it('keeps every invariant on a short, narrow body', () => {
    const cache = widths()
    for (const size of TEXT_SIZES) {
      const o = opts(size, { width: 900, height: 520 })
      expectValid(fixture(), paginate(fixture(), o, cache), o, cache)
    }
  })

  it('is deterministic: same input, deep-equal output, whatever the cache holds', () => {
    const warm = widths()
    paginate(fixture(), opts('L'), warm)
    const a = paginate(fixture(), opts('M'), widths())
    const b = paginate(fixture(), opts('M'), warm)
    expect(b).toEqual(a)
    expect(JSON.stringify(b)).toBe(JSON.stringify(a))
  })

  it('starts every section on a new page, an empty section included', () => {
    const p = paginate(fixture(), opts('M'), widths())
    expect(Object.keys(p.sectionFirstPage)).toEqual(['summary', 'full-intro', 's1', 's2', 's10'])
    const last = p.pages[p.sectionFirstPage.s10]
    expect(last.items).toHaveLength(1)
    expect(last.items[0].kind === 'text' && last.items[0].lines).toEqual(['十、协议的生效'])
    expect(p.pages[p.sectionFirstPage.s2].sectionTitle).toBe('二、第三方网站和服务')
  })

  it('continues a long paragraph on the next page, never leaving a single line behind', () => {
    const cache = widths()
    const doc = fixture()
    const text = Array.from({ length: 6 }, () => LONG).join('')
    doc.sections[2].blocks.splice(3, 0, { type: 'paragraph', text })
    const o = opts('L', { width: 1000, height: 520 })
    const p = paginate(doc, o, cache)
    expectValid(doc, p, o, cache)
    const parts = p.pages.flatMap((pg) => pg.items.filter((it) => it.kind === 'text' && it.anchor.sectionId === 's1' && it.anchor.block === 3))
    expect(parts.length).toBeGreaterThan(3)
    parts.forEach((it, i) => {
      if (it.kind !== 'text') throw new Error('text expected')
      expect(it.continued).toBe(i > 0)
      expect(it.lines.length).toBeGreaterThanOrEqual(2)
      expect(text.startsWith(it.lines[0], it.anchor.offset)).toBe(true)
    })
    expect(new Set(parts.map((it) => p.pages.findIndex((pg) => pg.items.includes(it)))).size).toBe(parts.length)
  })

  it('splits tables between rows and repeats the header on every page the table continues on', () => {
    const cache = widths()
    const o = opts('L', { width: 1728, height: 600 })
    const p = paginate(fixture(), o, cache)
    expectValid(fixture(), p, o, cache)
    const pages = p.pages.filter((pg) => pg.items.some((it) => it.kind === 'table-row'))
    expect(pages.length).toBeGreaterThan(2)
    const seen: number[] = []
    pages.forEach((pg, i) => {
      const rows = pg.items.filter((it) => it.kind === 'table-row')
      const head = rows[0]
      if (head.kind !== 'table-row') throw new Error('row expected')
      expect(head.header).toBe(true)
      expect(head.repeated).toBe(i > 0)
      expect(head.cells.map((c) => c.lines.join(''))).toEqual(PERMISSIONS.columns.map((c) => c.replace(/\s/g, '')))
      const body = rows.slice(1)
      expect(body.length).toBeGreaterThan(0)
      expect(head.anchor.offset).toBe(body[0].anchor.offset)
      for (const r of body) {
        if (r.kind !== 'table-row' || r.header) throw new Error('body row expected')
        // Every row fits a page with the header here: none is split.
        expect(r.continued).toBe(false)
        seen.push(r.anchor.offset)
      }
    })
    expect(seen).toEqual(PERMISSIONS.rows.map((_, r) => r))
  })

  it('sizes columns from content: permission names stay whole on the TV body', () => {
    const p = paginate(fixture(), opts('M'), widths())
    const rows = p.pages.flatMap((pg) => pg.items).filter((it) => it.kind === 'table-row')
    const permissions = rows.filter((r) => r.kind === 'table-row' && !r.header).flatMap((r) => (r.kind === 'table-row' ? r.cells[1].lines : []))
    const all = PERMISSIONS.rows.flatMap((r) => r[1].split('\n'))
    expect(permissions).toEqual(all)
    const head = rows[0]
    if (head.kind !== 'table-row') throw new Error('row expected')
    expect(head.cells[0].lines).toEqual(['APP权限名称'])
    const sum = head.cells.reduce((s, c) => s + c.width, 0)
    expect(sum).toBe(1728)
  })

  it('splits a row taller than a page between its lines', () => {
    const cache = widths()
    const doc = fixture()
    const tall = Array.from({ length: 40 }, (_, i) => `第${i + 1}行`).join('\n')
    doc.sections[2].blocks = [{ type: 'table', columns: ['名称', '内容'], rows: [['短', '一行'], ['长', tall], ['尾', '末行']] }]
    const o = opts('M', { width: 1000, height: 520 })
    const p = paginate(doc, o, cache)
    expectValid(doc, p, o, cache)
    const parts = p.pages.flatMap((pg) => pg.items).filter((it) => it.kind === 'table-row' && !it.header && it.anchor.offset === 1)
    expect(parts.length).toBeGreaterThan(1)
    expect(parts.map((it) => (it.kind === 'table-row' ? it.continued : null))).toEqual(parts.map((_, i) => i > 0))
    expect(parts.flatMap((it) => (it.kind === 'table-row' ? it.cells[1].lines : []))).toEqual(tall.split('\n'))
  })

  it('keeps each SDK entry on one card beside its QR code', () => {
    const p = paginate(fixture(), opts('M'), widths())
    for (const pg of p.pages) {
      for (const it of pg.items) {
        if (it.kind !== 'sdk-card') continue
        const entry = SDKS[it.anchor.offset]
        expect(it.title.join('')).toBe(entry.name)
        expect(it.continued).toBe(false)
        expect(it.fields.map((f) => f.label)).toEqual(entry.fields.filter((f) => f.key !== 'name').map((f) => f.label))
        const qrs = pg.items.filter((q) => q.kind === 'qr' && q.anchor.block === it.anchor.block && q.anchor.offset === it.anchor.offset)
        expect(qrs.map((q) => (q.kind === 'qr' ? q.href : ''))).toEqual((entry.links ?? []).map((l) => l.href))
        for (const q of qrs) {
          expect(q.y).toBe(it.y)
          expect(q.x).toBeGreaterThanOrEqual(it.x + it.width)
        }
      }
    }
    const cards = p.pages.flatMap((pg) => pg.items).filter((it) => it.kind === 'sdk-card')
    expect(cards).toHaveLength(SDKS.length)
  })

  it('splits a card only when it is taller than a page', () => {
    const cache = widths()
    const doc = fixture()
    const huge = Array.from({ length: 30 }, (_, i) => `第${i + 1}项数据`).join('\n')
    doc.sections[3].blocks = [{ type: 'sdk', entries: [SDKS[1], sdk('巨型SDK', [['dataCollected', '收集个人信息类型', huge], ['purpose', '使用目的', '测试']], [url('https://example.com/a')]), SDKS[2]] }]
    const o = opts('M', { width: 1200, height: 600 })
    const p = paginate(doc, o, cache)
    expectValid(doc, p, o, cache)
    const cards = p.pages.flatMap((pg) => pg.items).filter((it) => it.kind === 'sdk-card')
    const parts = cards.filter((c) => c.anchor.offset === 1)
    expect(parts.length).toBeGreaterThan(1)
    parts.forEach((c, i) => {
      if (c.kind !== 'sdk-card') throw new Error('card expected')
      expect(c.continued).toBe(i > 0)
      expect(c.title.length > 0).toBe(i === 0)
    })
    expect(cards.filter((c) => c.anchor.offset !== 1)).toHaveLength(2)
  })

  it('puts a QR code under a paragraph for each distinct link', () => {
    const p = paginate(fixture(), opts('M'), widths())
    const qrs = p.pages.flatMap((pg) => pg.items).filter((it) => it.kind === 'qr' && it.anchor.sectionId === 's2' && it.anchor.block === 0)
    expect(qrs.map((q) => (q.kind === 'qr' ? q.href : ''))).toEqual(['https://x5.tencent.com/tbs/policy.html', 'mailto:miitee@coocaa.com'])
    const [web, mail] = qrs.map((q) => (q.kind === 'qr' ? q.caption.join('') : ''))
    expect(web).toBe('扫码在手机上阅读https://x5.tencent.com/tbs/policy.html')
    expect(strip(mail)).toBe('扫码给miitee@coocaa.com写邮件')
  })

  it('honours the texture limit on a body taller than it', () => {
    const cache = widths()
    const doc = fixture()
    doc.sections[2].blocks.push({ type: 'paragraph', text: Array.from({ length: 12 }, () => LONG).join('') })
    const o = opts('S', { width: 1700, height: 3000 }, { maxTextureSize: 1024 })
    const p = paginate(doc, o, cache)
    expectValid(doc, p, o, cache)
    for (const it of p.pages.flatMap((pg) => pg.items)) {
      expect(it.width).toBeLessThanOrEqual(1024)
      expect(it.height).toBeLessThanOrEqual(1024)
    }
  })

  it('rejects a body too small for the text size', () => {
    expect(() => paginate(fixture(), opts('L', { width: 200, height: 800 }), widths())).toThrow(RangeError)
    expect(() => paginate(fixture(), opts('L', { width: 1728, height: 200 }), widths())).toThrow(RangeError)
  })
})

describe('pageOfAnchor', () => {
  /** The page holding the item that covers `a` in `p`: the first of the last items starting at or before it. */
  function coveringPage(p: Pagination, a: Anchor): number {
    let best: { page: number; offset: number } | null = null
    p.pages.forEach((pg, i) => {
      for (const it of pg.items) {
        if (it.kind === 'table-row' && it.repeated) continue
        if (it.anchor.sectionId !== a.sectionId || it.anchor.block !== a.block || it.anchor.offset > a.offset) continue
        if (!best || it.anchor.offset > best.offset) best = { page: i, offset: it.anchor.offset }
      }
    })
    if (!best) throw new Error(`no item covers ${JSON.stringify(a)}`)
    return (best as { page: number }).page
  }

  it('finds every page from its own first item', () => {
    const p = paginate(fixture(), opts('M', { width: 1000, height: 520 }), widths())
    p.pages.forEach((pg, i) => {
      const first = pg.items.find((it) => !(it.kind === 'table-row' && it.repeated))!
      expect(pageOfAnchor(p, first.anchor)).toBe(first.kind !== 'qr' && first.continued && first.kind !== 'text' ? i - 1 : i)
    })
  })

  it('keeps the reading position across S, M and L', () => {
    const cache = widths()
    const doc = fixture()
    const body = { width: 1200, height: 600 }
    const all = Object.fromEntries(TEXT_SIZES.map((s) => [s, paginate(doc, opts(s, body), cache)])) as Record<TextSize, Pagination>
    for (const from of TEXT_SIZES) {
      for (const to of TEXT_SIZES) {
        for (const pg of all[from].pages) {
          for (const it of pg.items) {
            if (it.kind === 'table-row' && it.repeated) continue
            expect(pageOfAnchor(all[to], it.anchor), `${from}→${to} ${JSON.stringify(it.anchor)}`).toBe(coveringPage(all[to], it.anchor))
          }
        }
      }
    }
    // Round trip: S page → L → back to S lands on the same page or the one before.
    all.S.pages.forEach((pg, i) => {
      const l = all.L.pages[pageOfAnchor(all.L, pg.items[0].anchor)]
      const back = pageOfAnchor(all.S, l.items[0].anchor)
      expect(back).toBeLessThanOrEqual(i)
      expect(back).toBeGreaterThanOrEqual(i - 1)
    })
  })

  it('falls back to page 0 for an unknown section and to the nearest earlier page inside one', () => {
    const p = paginate(fixture(), opts('M'), widths())
    expect(pageOfAnchor(p, { sectionId: 'nope', block: 0, offset: 0 })).toBe(0)
    const s2 = p.sectionFirstPage.s2
    expect(pageOfAnchor(p, { sectionId: 's2', block: -5, offset: 0 })).toBe(s2 - 1)
    expect(pageOfAnchor(p, { sectionId: 's2', block: 999, offset: 0 })).toBe(p.sectionFirstPage.s10 - 1)
  })
})

describe('paginate: a document ten times longer', () => {
  it('has ten times the pages, the same bounded page content, and every invariant', () => {
    const cache = widths()
    const one = fixture()
    const ten = repeatSections(one, 10)
    for (const size of TEXT_SIZES) {
      const o = opts(size)
      const p1 = paginate(one, o, cache)
      const p10 = paginate(ten, o, cache)
      const area1 = expectValid(one, p1, o, cache)
      const area10 = expectValid(ten, p10, o, cache)
      expect(p10.pages.length / p1.pages.length).toBeGreaterThanOrEqual(9.5)
      expect(p10.pages.length / p1.pages.length).toBeLessThanOrEqual(10.5)
      expect(area10).toBeLessThanOrEqual(o.page.width * o.page.height)
      expect(area10).toBe(area1)
      expect(Math.max(...p10.pages.map((pg) => pg.items.length))).toBe(Math.max(...p1.pages.map((pg) => pg.items.length)))
    }
  })
})

// ---- the real compiled policy --------------------------------------------------------------------

const ROOT = join(__dirname, '../../..')
const JSON_PATH = join(ROOT, 'static/policy/miitee-privacy-policy.zh-CN.json')
const MD_PATH = join(ROOT, 'policy/miitee-privacy-policy.zh-CN.md')

async function realPolicy(): Promise<PolicyDocument> {
  if (existsSync(JSON_PATH)) return JSON.parse(readFileSync(JSON_PATH, 'utf8')) as PolicyDocument
  // The compiled JSON is a build output; compile the source when it has not been built yet.
  const { compilePolicy } = await import('../../../tools/policy/compiler')
  return compilePolicy(readFileSync(MD_PATH, 'utf8'), MD_PATH)
}

describe('paginate: the real policy', () => {
  it('lays out the compiled policy at S, M and L within every invariant, and 10× of it', async () => {
    const doc = await realPolicy()
    expect(doc.sections.length).toBeGreaterThan(5)
    const cache = widths()
    for (const size of TEXT_SIZES) {
      // Other body boxes: the consent gate's (shorter) and a 720p-sized one.
      for (const page of [{ width: 1728, height: 742 }, { width: 1152, height: 540 }]) {
        const o = opts(size, page)
        expectValid(doc, paginate(doc, o, cache), o, cache)
      }
      const o = opts(size)
      const p = paginate(doc, o, cache)
      expectValid(doc, p, o, cache)
      expect(p.pages.some((pg) => pg.items.some((it) => it.kind === 'table-row' && it.header))).toBe(true)
      expect(p.pages.some((pg) => pg.items.some((it) => it.kind === 'sdk-card'))).toBe(true)
      expect(p.pages.some((pg) => pg.items.some((it) => it.kind === 'qr' && it.href === 'mailto:miitee@coocaa.com'))).toBe(true)
      const ten = repeatSections(doc, 10)
      const p10 = paginate(ten, o, cache)
      expectValid(ten, p10, o, cache)
      expect(p10.pages.length).toBe(10 * p.pages.length)
    }
  })

  it('paginates the whole policy in a few milliseconds with a warm glyph cache', async () => {
    const doc = await realPolicy()
    const cache = widths()
    paginate(doc, opts('M'), cache)
    const times: number[] = []
    for (let i = 0; i < 15; i++) {
      const t0 = performance.now()
      paginate(doc, opts(TEXT_SIZES[i % 3]), cache)
      times.push(performance.now() - t0)
    }
    times.sort((a, b) => a - b)
    expect(times[7]).toBeLessThan(20)
    expect(cache.stats().hits).toBeGreaterThan(cache.stats().misses * 10)
  })
})
