import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { documentLinks, policyHashInput, sectionById, type PolicyIndexEntry } from '../../src/core/policy/index'
import type { Block, PolicyDocument, SdkBlock, TableBlock } from '../../src/core/policy/model'
import { compilePolicy, PolicyCompileError, policySha256, type PolicyErrorCode } from '../../tools/policy/compiler'

const ROOT = path.resolve(__dirname, '../..')
const POLICY_FILE = path.join(ROOT, 'policy/miitee-privacy-policy.zh-CN.md')
const SEED_FILE = path.resolve(__dirname, '../../policy/source/miitee-privacy-policy.zh-CN.txt')
const SOURCE = readFileSync(POLICY_FILE, 'utf8')
const SEED_LINES = readFileSync(SEED_FILE, 'utf8')
  .split('\n')
  .map((l) => l.replace(/^[\s\u00a0\u3000]+|[\s\u00a0\u3000]+$/g, ''))

const compile = (src: string) => compilePolicy(src, 'policy/test.md')

function compileError(src: string): PolicyCompileError {
  try {
    compile(src)
  } catch (e) {
    if (e instanceof PolicyCompileError) return e
    throw e
  }
  throw new Error('expected a PolicyCompileError, the source compiled')
}

function expectError(src: string, code: PolicyErrorCode, line: number): PolicyCompileError {
  const e = compileError(src)
  expect({ code: e.code, line: e.line }).toEqual({ code, line })
  expect(e.file).toBe('policy/test.md')
  expect(e.message).toBe(`policy/test.md:${line}: ${e.reason}`)
  expect(e.reason.length).toBeGreaterThan(5)
  return e
}

/** 1-based line of the first source line satisfying `pred`. */
function lineWhere(src: string, pred: (line: string) => boolean): number {
  const i = src.split('\n').findIndex(pred)
  if (i < 0) throw new Error('fixture line not found')
  return i + 1
}

function blocksOf(doc: PolicyDocument, type: Block['type']): Block[] {
  return doc.sections.flatMap((s) => s.blocks.filter((b) => b.type === type))
}

// A small valid document; the malformed cases below change or extend it. Lines:
//  1 ---            7 # 标题                 13 ## 一、正文 {#s1 part=full}
//  2 id             8 (blank)                14 (blank)
//  3 version        9 ## 摘要 {#summary …}   15 正文。
//  4 effectiveDate 10 (blank)
//  5 locale        11 摘要正文。
//  6 ---           12 (blank)
const BASE = [
  '---',
  'id: test-policy',
  'version: 1.0',
  'effectiveDate: 2024-02-29',
  'locale: zh-CN',
  '---',
  '# 标题',
  '',
  '## 摘要 {#summary part=summary}',
  '',
  '摘要正文。',
  '',
  '## 一、正文 {#s1 part=full}',
  '',
  '正文。',
].join('\n')

const withBody = (...lines: string[]) => [BASE, ...lines].join('\n')

describe('compilePolicy: the Miitee policy', () => {
  const doc = compilePolicy(SOURCE, 'policy/miitee-privacy-policy.zh-CN.md')

  it('carries the front matter and the title', () => {
    expect(doc.schema).toBe(1)
    expect(doc.id).toBe('miitee-privacy-policy')
    expect(doc.locale).toBe('zh-CN')
    expect(doc.version).toBe('2024-02-29')
    expect(doc.effectiveDate).toBe('2024-02-29')
    expect(doc.title).toBe(SEED_LINES[0])
  })

  it('has the summary, the full text intro and sections 一…十 in order', () => {
    expect(doc.sections.map((s) => s.id)).toEqual(['summary', 'full-intro', 's1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10'])
    expect(doc.sections.map((s) => s.part)).toEqual(['summary', ...Array(11).fill('full')])
    expect(doc.sections.map((s) => s.ordinal)).toEqual([undefined, undefined, ...'一二三四五六七八九十'.split('')])
    expect(doc.sections[0].title).toBe('摘要:')
    expect(doc.sections[1].title).toBe('隐私政策:')
    // The titles of 一…十 are the full text's own contents list, and each is a line of the seed.
    const toc = sectionById(doc, 'full-intro')!.blocks.find((b) => b.type === 'list')
    expect(toc?.type === 'list' && toc.ordered).toBe(true)
    const numbered = doc.sections.slice(2).map((s) => s.title)
    expect(toc?.type === 'list' ? toc.items : []).toEqual(numbered)
    for (const t of numbered) expect(SEED_LINES).toContain(t)
    expect(numbered[0]).toBe('一、我们如何收集和使用您的个人信息')
    expect(numbered[9]).toBe('十、协议的生效')
    for (const s of doc.sections) expect(s.blocks.length).toBeGreaterThan(0)
  })

  it('keeps the summary sub-headings 一…四 as headings inside the summary', () => {
    const headings = sectionById(doc, 'summary')!.blocks.filter((b) => b.type === 'heading')
    expect(headings.map((h) => (h.type === 'heading' ? h.text : ''))).toEqual([
      '一、我们如何收集和使用您的个人信息',
      '二、我们如何共享您的个人信息',
      '三、我们如何管理您的个人信息',
      '四、如何联系我们',
    ])
  })

  it('writes list numbering back into the items', () => {
    const s3 = sectionById(doc, 's3')!
    const first = s3.blocks.find((b) => b.type === 'list')
    expect(first?.type === 'list' && first.ordered).toBe(true)
    expect(first?.type === 'list' && first.items[0]).toBe('1.在获取明确同意的情况下共享:获得您的明确同意后,我们会与其他方共享您的个人信息。')
    const s1Lists = sectionById(doc, 's1')!.blocks.filter((b) => b.type === 'list')
    const ten = s1Lists[s1Lists.length - 1]
    expect(ten.type === 'list' && ten.items.length).toBe(10)
    expect(ten.type === 'list' && ten.items[9].startsWith('10.履行法律法规')).toBe(true)
  })

  it('builds the permission table: 5 columns, one row per permission group', () => {
    const tables = blocksOf(doc, 'table') as TableBlock[]
    expect(tables).toHaveLength(1)
    const t = tables[0]
    expect(sectionById(doc, 's1')!.blocks).toContain(t)
    expect(t.columns).toEqual(['APP权限名称', 'APP权限值', '用到的地方', '是否用到时才申请/用户确认弹框', '是否是敏感权限'])
    for (const r of t.rows) expect(r).toHaveLength(5)
    const row = (name: string) => {
      const r = t.rows.find((x) => x[0] === name)
      if (!r) throw new Error(`no row ${name}`)
      return r
    }
    expect(t.rows.map((r) => r[0])).toEqual([
      '录音',
      '摄像头\n闪光灯',
      '蓝牙',
      '定位',
      '申请安装应用',
      '前台服务',
      '读写存储权限',
      '锁屏',
      '网络',
      '配置变化',
      '震动',
      '广播',
      '获取任务列表',
      '厂商推送',
    ])
    expect(row('录音')).toEqual(['录音', 'android.permission.RECORD_AUDIO', '麦克风', '', ''])
    expect(row('摄像头\n闪光灯').slice(1, 3)).toEqual(['android.permission.CAMERA\nandroid.permission.FLASHLIGHT', '扫码'])
    expect(row('蓝牙')[1].split('\n')).toEqual([
      'android.permission.BLUETOOTH',
      'android.permission.BLUETOOTH_ADMIN',
      'android.permission.BLUETOOTH_SCAN',
      'android.permission.BLUETOOTH_ADVERTISE',
      'android.permission.BLUETOOTH_CONNECT',
    ])
    expect(row('蓝牙')[2].split('\n')).toEqual(['附近大屏', '大屏配网', '大屏遥控', '大屏名称'])
    expect(row('定位')[1].split('\n')).toEqual([
      'android.permission.ACCESS_FINE_LOCATION',
      'android.permission.ACCESS_COARSE_LOCATION',
      'android.permission.ACCESS_BACKGROUND_LOCATION',
    ])
    expect(row('定位')[2]).toBe('附近大屏')
    expect(row('网络')[1].split('\n')).toHaveLength(5)
    expect(row('网络').slice(2)).toEqual(['访问网络、获取网络状态', '系统静默授权', ''])
    // 系统静默授权 answers "是否用到时才申请/用户确认弹框"; the seed gives no 是否是敏感权限 value.
    for (const r of t.rows) expect(r[4]).toBe('')
    expect(t.rows.filter((r) => r[3] === '系统静默授权').map((r) => r[0])).toEqual(['网络', '配置变化', '震动', '广播', '获取任务列表', '厂商推送'])
    // Every permission value of the seed sits in the APP权限值 column.
    const seedPermissions = SEED_LINES.filter((l) => /^(android|com)\.[\w.]+$/.test(l))
    expect(t.rows.flatMap((r) => r[1].split('\n'))).toEqual(seedPermissions)
  })

  it('turns every third-party SDK into an entry with its labelled fields', () => {
    const sdks = blocksOf(doc, 'sdk') as SdkBlock[]
    expect(sdks).toHaveLength(1)
    expect(sectionById(doc, 's2')!.blocks).toContain(sdks[0])
    const entries = sdks[0].entries
    const seedNames = SEED_LINES.filter((l) => l.startsWith('SDK名称:')).map((l) => l.slice('SDK名称:'.length))
    expect(seedNames.length).toBe(16)
    expect(entries.map((e) => e.name)).toEqual(seedNames)
    // Each entry's fields are the seed's lines from its SDK名称 line to the next blank-separated entry.
    const seedFieldLines = SEED_LINES.slice(
      SEED_LINES.findIndex((l) => l.startsWith('SDK名称:')),
      SEED_LINES.lastIndexOf('三、我们如何共享、转让、公开披露您的个人信息'),
    ).filter((l) => l !== '')
    expect(entries.flatMap((e) => e.fields.map((f) => `${f.label}:${f.value}`))).toEqual(seedFieldLines)
    for (const e of entries) {
      expect(e.fields[0]).toEqual({ key: 'name', label: 'SDK名称', value: e.name })
    }
    const byName = (n: string) => entries.find((e) => e.name === n)!
    expect(byName('微信').fields.map((f) => [f.key, f.label])).toEqual([
      ['name', 'SDK名称'],
      ['dataCollected', '收集数据类型'],
      ['purpose', '使用目的'],
      ['policyUrl', '隐私协议地址'],
    ])
    expect(byName('友盟统计分析SDK').fields.map((f) => f.label)).toEqual(['SDK名称', '第三方名称', '收集个人信息类型', '使用目的', '隐私政策链接'])
    expect(byName('神策 SensorsAnalytics SDK').fields.find((f) => f.key === 'integration')?.label).toBe('接入方式')
    expect(byName('灯塔').fields.find((f) => f.key === 'permissions')?.value).toBe('访问网络、访问网络信息')
    // The Huawei scan SDK names its policy without a URL; 闪验 gives none.
    expect(byName('华为统一扫码SDK').fields.find((f) => f.key === 'policyUrl')?.value).toBe('SDK隐私安全说明')
    expect(byName('华为统一扫码SDK').links).toBeUndefined()
    expect(byName('闪验SDK').fields.some((f) => f.key === 'policyUrl')).toBe(false)
  })

  it('finds every URL and e-mail address', () => {
    const links = documentLinks(doc)
    const emails = links.filter((l) => l.kind === 'email')
    expect(emails.map((l) => [l.sectionId, l.href, l.text])).toEqual([
      ['summary', 'mailto:miitee@coocaa.com', 'miitee@coocaa.com'],
      ['s9', 'mailto:miitee@coocaa.com', 'miitee@coocaa.com'],
    ])
    const seedUrls = SEED_LINES.map((l) => /^(?:隐私政策链接|隐私协议地址):(https?:\/\/\S+)$/.exec(l)?.[1]).filter(Boolean)
    expect(seedUrls.length).toBe(14)
    const urls = links.filter((l) => l.kind === 'url')
    expect(urls.map((l) => l.href)).toEqual(seedUrls)
    expect(urls.every((l) => l.text === l.href && l.sectionId === 's2')).toBe(true)
    expect(urls.map((l) => l.href)).toContain('https://weixin.qq.com/cgi-bin/readtemplate?lang=zh_CN&t=weixin_agreement&s=privacy')
    // Each SDK entry with a policy URL carries exactly that URL.
    for (const e of (blocksOf(doc, 'sdk') as SdkBlock[])[0].entries) {
      const url = e.fields.find((f) => f.key === 'policyUrl' && /^https?:/.test(f.value))?.value
      expect(e.links?.map((l) => l.href)).toEqual(url ? [url] : undefined)
    }
  })

  it('hashes the canonical JSON: stable across runs, changed by any character', () => {
    expect(doc.sha256).toMatch(/^[0-9a-f]{64}$/)
    const again = compilePolicy(SOURCE, 'another-name.md')
    expect(again).toEqual(doc)
    expect(createHash('sha256').update(policyHashInput(doc), 'utf8').digest('hex')).toBe(doc.sha256)
    const roundTrip = JSON.parse(JSON.stringify(doc)) as PolicyDocument
    expect(policySha256(roundTrip)).toBe(doc.sha256)

    const oneChar = SOURCE.replace('酷开深知个人信息', '酷开深知個人信息')
    expect(oneChar).not.toBe(SOURCE)
    expect(compile(oneChar).sha256).not.toBe(doc.sha256)
    // Layout of the source alone (spaces around a cell line) does not change the document.
    expect(compile(SOURCE.replace('大屏配网<br>', '大屏配网<br> ')).sha256).toBe(doc.sha256)
    expect(compile(SOURCE.replace('version: 2024-02-29', 'version: 2024-03-01')).sha256).not.toBe(doc.sha256)
  })
})

describe('compilePolicy: conventions', () => {
  it('compiles the minimal document', () => {
    const d = compile(BASE)
    expect(d.sections.map((s) => [s.id, s.part, s.title])).toEqual([
      ['summary', 'summary', '摘要'],
      ['s1', 'full', '一、正文'],
    ])
    expect(d.sections[1].ordinal).toBe('一')
  })

  it('reads paragraphs, lists, bold paragraphs, markdown links and bare links', () => {
    const d = compile(
      withBody(
        '',
        '**整段加粗的条款。**',
        '',
        '部分**加粗**的段落,见https://example.com/a?b=1&c=2。或写信至a.b@example.cn获取(见https://example.org/x)。',
        '',
        '- 一、甲',
        '- 二、乙',
        '',
        '* 无编号',
        '* 项目',
        '',
        '1. 第一项[说明](https://example.net/doc)',
        '2. Second item',
        '',
        '### 小标题',
        '',
        '正文接续,',
        '同一段。',
      ),
    )
    const blocks = d.sections[1].blocks
    expect(blocks[1]).toEqual({ type: 'paragraph', text: '整段加粗的条款。', strong: true })
    expect(blocks[2]).toEqual({
      type: 'paragraph',
      text: '部分加粗的段落,见https://example.com/a?b=1&c=2。或写信至a.b@example.cn获取(见https://example.org/x)。',
      links: [
        { kind: 'url', text: 'https://example.com/a?b=1&c=2', href: 'https://example.com/a?b=1&c=2' },
        { kind: 'email', text: 'a.b@example.cn', href: 'mailto:a.b@example.cn' },
        { kind: 'url', text: 'https://example.org/x', href: 'https://example.org/x' },
      ],
    })
    expect(blocks[3]).toEqual({ type: 'list', ordered: true, items: ['一、甲', '二、乙'] })
    expect(blocks[4]).toEqual({ type: 'list', ordered: false, items: ['无编号', '项目'] })
    expect(blocks[5]).toEqual({
      type: 'list',
      ordered: true,
      items: ['1.第一项说明', '2. Second item'],
      links: [{ kind: 'url', text: '说明', href: 'https://example.net/doc' }],
    })
    expect(blocks[6]).toEqual({ type: 'heading', level: 2, text: '小标题' })
    expect(blocks[7]).toEqual({ type: 'paragraph', text: '正文接续,同一段。' })
  })
})

describe('compilePolicy: malformed sources name the line', () => {
  it('rejects a ragged table row (too few or too many cells)', () => {
    const table = ['', '| 名称 | 值 |', '| --- | --- |', '| 甲 | 1 |']
    expectError(withBody(...table, '| 乙 |'), 'POLICY_RAGGED_TABLE', 20)
    expectError(withBody(...table, '| 乙 | 2 | 3 |'), 'POLICY_RAGGED_TABLE', 20)
  })

  it('rejects an unclosed or broken table', () => {
    // Text right after the last row is swallowed into the table.
    expectError(withBody('', '| 名称 | 值 |', '| --- | --- |', '| 甲 | 1 |', '紧跟表格的段落。'), 'POLICY_UNCLOSED_TABLE', 20)
    // A header with no delimiter row, or a delimiter row of another width, is no table.
    expectError(withBody('', '| 名称 | 值 |', '| 甲 | 1 |'), 'POLICY_UNCLOSED_TABLE', 17)
    expectError(withBody('', '| 名称 | 值 |', '| --- |', '| 甲 | 1 |'), 'POLICY_UNCLOSED_TABLE', 17)
    // A blank line inside the table breaks it: the rest are stray rows.
    expectError(withBody('', '| 名称 | 值 |', '| --- | --- |', '| 甲 | 1 |', '', '| 乙 | 2 |'), 'POLICY_UNCLOSED_TABLE', 21)
    expectError(withBody('', '| 名称 | |', '| --- | --- |', '| 甲 | 1 |'), 'POLICY_BAD_TABLE', 17)
  })

  it('rejects an empty section or an empty sub-heading', () => {
    const src = BASE.replace('## 一、正文 {#s1 part=full}', '## 一、正文 {#s1 part=full}\n\n## 二、空 {#s2}')
    expectError(src, 'POLICY_EMPTY_SECTION', 13)
    expectError(withBody('', '## 二、其他 {#s2}'), 'POLICY_EMPTY_SECTION', 17)
    expectError(withBody('', '### 小标题', '', '## 二、其他 {#s2}', '', '正文。'), 'POLICY_EMPTY_SECTION', 17)
    expectError(withBody('', '### 小标题', '', '### 另一个', '', '正文。'), 'POLICY_EMPTY_SECTION', 17)
    expect(() => compile(withBody('', '### 小标题', '', '#### 次级', '', '正文。'))).not.toThrow()
  })

  it('rejects a duplicate section id or title', () => {
    const e = expectError(withBody('', '## 二、其他 {#s1}', '', '正文。'), 'POLICY_DUPLICATE_SECTION', 17)
    expect(e.reason).toContain('line 13')
    expectError(withBody('', '## 一、正文 {#s2}', '', '正文。'), 'POLICY_DUPLICATE_SECTION', 17)
  })

  it('rejects unknown blocks', () => {
    expectError(withBody('', '<div>HTML</div>'), 'POLICY_UNKNOWN_BLOCK', 17)
    expectError(withBody('', '> 引用'), 'POLICY_UNKNOWN_BLOCK', 17)
    expectError(withBody('', '```js', 'x()', '```'), 'POLICY_UNKNOWN_BLOCK', 17)
    expectError(withBody('', '```', 'x', '```'), 'POLICY_UNKNOWN_BLOCK', 17)
    expectError(withBody('', '    缩进的代码'), 'POLICY_UNKNOWN_BLOCK', 17)
    expectError(withBody('', '***'), 'POLICY_UNKNOWN_BLOCK', 17)
    expectError(withBody('', '##### 五级标题'), 'POLICY_UNKNOWN_BLOCK', 17)
    expectError(withBody('', '第一行', '![图片](a.png)'), 'POLICY_UNKNOWN_BLOCK', 18)
    expectError(withBody('', '文字<span>HTML</span>'), 'POLICY_UNKNOWN_BLOCK', 17)
    expectError(withBody('', '- 列表', '  - 嵌套'), 'POLICY_UNKNOWN_BLOCK', 18)
    expectError(withBody('', '~~删除线~~'), 'POLICY_UNKNOWN_BLOCK', 17)
  })

  it('rejects bad or missing front matter', () => {
    expectError(BASE.split('\n').slice(6).join('\n'), 'POLICY_BAD_FRONT_MATTER', 1)
    expectError(BASE.replace(/^---\n(.*\n){4}---\n/, (m) => m.slice(0, -4)), 'POLICY_BAD_FRONT_MATTER', 1)
    expectError(BASE.replace('locale: zh-CN\n', ''), 'POLICY_BAD_FRONT_MATTER', 5)
    expectError(BASE.replace('2024-02-29', '2024-02-30'), 'POLICY_BAD_FRONT_MATTER', 4)
    expectError(BASE.replace('locale: zh-CN', 'locale: Chinese'), 'POLICY_BAD_FRONT_MATTER', 5)
    expectError(BASE.replace('id: test-policy', 'id: Test Policy'), 'POLICY_BAD_FRONT_MATTER', 2)
    expectError(BASE.replace('version: 1.0', 'version: 1.0\nauthor: x'), 'POLICY_BAD_FRONT_MATTER', 4)
    expectError(BASE.replace('version: 1.0', 'version: 1.0\nversion: 2'), 'POLICY_BAD_FRONT_MATTER', 4)
    expectError(BASE.replace('version: 1.0', 'version 1.0'), 'POLICY_BAD_FRONT_MATTER', 3)
    // Quotes are allowed around a value.
    expect(compile(BASE.replace('version: 1.0', 'version: "1.0"')).version).toBe('1.0')
  })

  it('rejects malformed SDK entries', () => {
    const sdk = (...lines: string[]) => withBody('', '```sdk', ...lines, '```')
    expect(compile(sdk('SDK名称:甲', '使用目的:统计', '', 'SDK名称:乙', '隐私协议地址:https://e.com/p')).sections[1].blocks[1]).toEqual({
      type: 'sdk',
      entries: [
        {
          name: '甲',
          fields: [
            { key: 'name', label: 'SDK名称', value: '甲' },
            { key: 'purpose', label: '使用目的', value: '统计' },
          ],
        },
        {
          name: '乙',
          fields: [
            { key: 'name', label: 'SDK名称', value: '乙' },
            { key: 'policyUrl', label: '隐私协议地址', value: 'https://e.com/p' },
          ],
          links: [{ kind: 'url', text: 'https://e.com/p', href: 'https://e.com/p' }],
        },
      ],
    })
    expectError(sdk('SDK名称:甲', '没有冒号的行'), 'POLICY_BAD_SDK_ENTRY', 19)
    expectError(sdk('SDK名称:甲', '使用目的:统计', '官网:https://e.com'), 'POLICY_BAD_SDK_ENTRY', 20)
    expectError(sdk('使用目的:统计'), 'POLICY_BAD_SDK_ENTRY', 18)
    expectError(sdk('SDK名称:甲', '收集数据类型:a', '收集个人信息类型:b'), 'POLICY_BAD_SDK_ENTRY', 20)
    expectError(sdk('SDK名称:甲', 'SDK名称:乙'), 'POLICY_BAD_SDK_ENTRY', 19)
    expectError(sdk('SDK名称:甲', '使用目的:'), 'POLICY_BAD_SDK_ENTRY', 19)
    expectError(sdk(), 'POLICY_BAD_SDK_ENTRY', 17)
    expectError(withBody('', '```sdk', 'SDK名称:甲'), 'POLICY_UNCLOSED_FENCE', 17)
  })

  it('rejects bad section headings and misplaced content', () => {
    expectError(withBody('', '## 二、无id'), 'POLICY_BAD_SECTION_ATTRS', 17)
    expectError(withBody('', '## 二、其他 {#s2 part=appendix}'), 'POLICY_BAD_SECTION_ATTRS', 17)
    expectError(withBody('', '## 二、其他 {#s2 lang=en}'), 'POLICY_BAD_SECTION_ATTRS', 17)
    expectError(withBody('', '## 二、其他 {#S2}'), 'POLICY_BAD_SECTION_ATTRS', 17)
    expectError(withBody('', '## 附 {#extra part=summary}', '', '正文。'), 'POLICY_BAD_SECTION_ATTRS', 17)
    expectError(withBody('', '### 小标题 {#sub}'), 'POLICY_BAD_SECTION_ATTRS', 17)
    expectError(BASE.replace('{#summary part=summary}', '{#summary}'), 'POLICY_BAD_SECTION_ATTRS', 9)
    expectError(BASE.replace('# 标题\n', '# 标题\n前言。\n'), 'POLICY_CONTENT_OUTSIDE_SECTION', 8)
    expectError(BASE.replace('# 标题\n', ''), 'POLICY_BAD_TITLE', 8)
    expectError(withBody('', '# 第二个标题'), 'POLICY_BAD_TITLE', 17)
    expectError(BASE.replace(' part=full', ''), 'POLICY_MISSING_PART', 15)
  })

  it('reports the exact line inside the real policy', () => {
    const lines = SOURCE.split('\n')
    const bt = lines.findIndex((l) => l.startsWith('| 蓝牙 |'))
    const ragged = [...lines]
    ragged[bt] = ragged[bt].replace(/ \| {2}\| {2}\|$/, ' |  |')
    expect(ragged[bt]).not.toBe(lines[bt])
    expectError(ragged.join('\n'), 'POLICY_RAGGED_TABLE', bt + 1)

    const last = lines.findIndex((l) => l.startsWith('| 厂商推送 |'))
    expect(lines[last + 1]).toBe('')
    const unclosed = [...lines.slice(0, last + 1), ...lines.slice(last + 2)]
    expectError(unclosed.join('\n'), 'POLICY_UNCLOSED_TABLE', last + 2)

    const src = SOURCE.replace('隐私政策链接:https://www.umeng.com', '隐私链接:https://www.umeng.com')
    expectError(src, 'POLICY_BAD_SDK_ENTRY', lineWhere(src, (l) => l.startsWith('隐私链接:')))

    const dup = SOURCE.replace('{#s3}', '{#s2}')
    expectError(dup, 'POLICY_DUPLICATE_SECTION', lineWhere(dup, (l) => l.startsWith('## 三、')))

    const empty = SOURCE.replace('本协议更新日期为20240229日,将于20240229日生效。', '').replace('深圳市酷开网络科技股份有限公司\n', '')
    expectError(empty, 'POLICY_EMPTY_SECTION', lineWhere(empty, (l) => l.startsWith('## 十、')))
  })
})

describe('policy CLIs', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'policy-cli-'))
  afterAll(() => rmSync(tmp, { recursive: true, force: true }))
  const run = (script: string, args: string[]) =>
    spawnSync('npx', ['tsx', script, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })

  it('policy-compile: exit 1 and `file:line: CODE message` on a bad file', () => {
    const bad = path.join(tmp, 'bad.md')
    writeFileSync(bad, withBody('', '| 名称 | 值 |', '| --- | --- |', '| 甲 | 1 |', '| 乙 |'))
    const r = run('tools/policy-compile.ts', [bad])
    expect(r.status).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:20: POLICY_RAGGED_TABLE table row has 1 cell, the header has 2\\n$`))
  })

  it('policy-compile: prints or writes the document', () => {
    const r = run('tools/policy-compile.ts', ['policy/miitee-privacy-policy.zh-CN.md'])
    expect(r.status).toBe(0)
    const printed = JSON.parse(r.stdout) as PolicyDocument
    expect(printed.sha256).toBe(compile(SOURCE).sha256)
    const out = path.join(tmp, 'out', 'p.json')
    const w = run('tools/policy-compile.ts', ['policy/miitee-privacy-policy.zh-CN.md', '-o', out])
    expect(w.status).toBe(0)
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(printed)
    expect(run('tools/policy-compile.ts', []).status).toBe(2)
  })

  it('policy-build: compiles a folder into <id>.<locale>.json and index.json', () => {
    const src = path.join(tmp, 'src')
    const out = path.join(tmp, 'static-policy')
    mkdirSync(src, { recursive: true })
    copyFileSync(POLICY_FILE, path.join(src, 'miitee-privacy-policy.zh-CN.md'))
    writeFileSync(path.join(src, 'test.md'), BASE)
    const r = run('tools/policy-build.ts', ['--src', src, '--out', out])
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    const index = JSON.parse(readFileSync(path.join(out, 'index.json'), 'utf8')) as PolicyIndexEntry[]
    const doc = compile(SOURCE)
    expect(index).toEqual([
      { id: 'miitee-privacy-policy', locale: 'zh-CN', version: '2024-02-29', sha256: doc.sha256, path: 'policy/miitee-privacy-policy.zh-CN.json' },
      { id: 'test-policy', locale: 'zh-CN', version: '1.0', sha256: compile(BASE).sha256, path: 'policy/test-policy.zh-CN.json' },
    ])
    expect(JSON.parse(readFileSync(path.join(out, 'miitee-privacy-policy.zh-CN.json'), 'utf8'))).toEqual(doc)

    // One malformed file fails the whole build before anything is written.
    const out2 = path.join(tmp, 'static-policy-2')
    writeFileSync(path.join(src, 'test.md'), BASE.replace('\n正文。', '\n> 引用'))
    const bad = run('tools/policy-build.ts', ['--src', src, '--out', out2])
    expect(bad.status).toBe(1)
    expect(bad.stderr).toMatch(/test\.md:15: POLICY_UNKNOWN_BLOCK /)
    expect(existsSync(out2)).toBe(false)
  })
})
