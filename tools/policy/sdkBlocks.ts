// ```sdk fenced blocks of the policy source as SDK blocks: `label:value` lines, entries separated
// by a blank line, each entry starting with its SDK名称 line.

import { findLinks } from '../../src/core/policy/links'
import type { Link, SdkBlock, SdkEntry, SdkField, SdkFieldKey } from '../../src/core/policy/model'
import type { PolicySource } from './errors'
import { lineOf, type Token } from './markdown'

/** SDK entry labels, as the policy words them, and the standard field each one is. */
export const SDK_LABELS: Readonly<Record<string, SdkFieldKey>> = {
  SDK名称: 'name',
  第三方名称: 'vendor',
  收集个人信息类型: 'dataCollected',
  收集数据类型: 'dataCollected',
  调用权限: 'permissions',
  使用目的: 'purpose',
  隐私政策链接: 'policyUrl',
  隐私协议地址: 'policyUrl',
  接入方式: 'integration',
}

function plainLinks(text: string): Link[] {
  return findLinks(text).map(({ kind, text: t, href }) => ({ kind, text: t, href }))
}

/** The SDK block of fence token `t`. */
export function parseSdk(src: PolicySource, t: Token): SdkBlock {
  const fenceLine = lineOf(t)
  const [from, to] = t.map!
  const closer = to - 1 > from ? src.lines[to - 1].trim() : ''
  const fenceChar = t.markup[0]
  if (!(closer.length >= t.markup.length && [...closer].every((c) => c === fenceChar))) {
    src.fail('POLICY_UNCLOSED_FENCE', fenceLine, `the ${t.markup}sdk block is not closed`)
  }
  const bad = (line: number, reason: string): never => src.fail('POLICY_BAD_SDK_ENTRY', line, reason)
  const entries: SdkEntry[] = []
  let fields: SdkField[] | undefined
  const finish = () => {
    if (!fields) return
    const entry: SdkEntry = { name: fields[0].value, fields }
    const links = fields.flatMap((f) => plainLinks(f.value))
    if (links.length) entry.links = links
    entries.push(entry)
    fields = undefined
  }
  t.content.split('\n').forEach((raw, k) => {
    const line = fenceLine + 1 + k
    const s = raw.trim()
    if (s === '') return finish()
    const m = /^([^:：]+?)\s*[:：]\s*(.*)$/.exec(s)
    if (!m) bad(line, `expected \`label:value\` (e.g. SDK名称:…), got ${JSON.stringify(s)}`)
    const label = m![1].trim()
    const value = m![2].trim()
    const key = Object.prototype.hasOwnProperty.call(SDK_LABELS, label) ? SDK_LABELS[label] : undefined
    if (!key) bad(line, `unknown SDK field "${label}" (known: ${Object.keys(SDK_LABELS).join(', ')})`)
    if (value === '') bad(line, `SDK field "${label}" has no value`)
    if (!fields) {
      if (key !== 'name') bad(line, 'an SDK entry must start with its SDK名称 line')
      fields = []
    } else if (fields.some((f) => f.key === key)) {
      const more = key === 'name' ? ' (separate SDK entries with a blank line)' : ''
      bad(line, `SDK entry "${fields[0].value}" has a second "${label}" field${more}`)
    }
    fields!.push({ key: key!, label, value })
  })
  finish()
  if (entries.length === 0) bad(fenceLine, 'empty sdk block')
  return { type: 'sdk', entries }
}
