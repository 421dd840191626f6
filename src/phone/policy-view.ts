// The compiled policy model as HTML: the same document the TV reader shows, with headings,
// paragraphs, lists, the permission table as a real table, SDK entries as cards, links live.
import { findLinks } from '../core/policy/links'
import type { Block, PolicyDocument, PolicySection, SdkEntry } from '../core/policy/model'
import { h, type Child } from './dom'
import type { Strings } from './i18n'

/** The policy as the page has it: still loading, failed to load (the flow goes on), or here. */
export type PolicyState = { kind: 'loading' } | { kind: 'failed' } | { kind: 'ready'; doc: PolicyDocument }

export const POLICY_HASH = '#policy'
export const sectionAnchor = (id: string) => `policy-${id}`

export function sectionTitle(s: PolicySection): string {
  return s.title.replace(/[:：]\s*$/, '').trim()
}

/** Text with its URLs and e-mail addresses as links, and its line breaks kept. */
export function richText(text: string, t: Strings): Child[] {
  const out: Child[] = []
  text.split('\n').forEach((line, i) => {
    if (i > 0) out.push(h('br'))
    let at = 0
    for (const l of findLinks(line)) {
      if (l.index > at) out.push(line.slice(at, l.index))
      const external = l.kind === 'url'
      out.push(
        h(
          'a',
          { href: l.href, target: external ? '_blank' : null, rel: external ? 'noopener noreferrer' : null, class: 'policy-link' },
          l.text,
          external ? h('span', { class: 'sr-only' }, t.opensNewWindow) : null,
        ),
      )
      at = l.index + l.text.length
    }
    if (at < line.length) out.push(line.slice(at))
  })
  return out
}

function sdkCard(e: SdkEntry, t: Strings, level: number): HTMLElement {
  const heading = h(level <= 3 ? 'h3' : 'h4', { class: 'sdk-name' }, e.name)
  const dl = h('dl', { class: 'sdk-fields' })
  for (const f of e.fields) {
    if (f.key === 'name') continue
    dl.appendChild(h('div', { class: 'sdk-field' }, h('dt', null, f.label), h('dd', null, richText(f.value, t))))
  }
  return h('article', { class: 'sdk-card' }, heading, dl)
}

/**
 * One block. `level` is the HTML heading level of the block's section title, so the block's own
 * headings nest below it (level 2 → one below, level 3 → two below).
 */
export function renderBlock(b: Block, t: Strings, level: number): HTMLElement {
  switch (b.type) {
    case 'heading': {
      const n = Math.min(6, level + (b.level === 2 ? 1 : 2))
      return h(`h${n}` as 'h3', { class: `policy-h${b.level}` }, b.text)
    }
    case 'paragraph':
      return h('p', { class: b.strong ? 'policy-p strong' : 'policy-p' }, b.strong ? h('strong', null, richText(b.text, t)) : richText(b.text, t))
    case 'list':
      // Ordered items carry their own numbers ("1.", "（1）"): no second set of markers.
      return h('ul', { class: b.ordered ? 'policy-list numbered' : 'policy-list' }, b.items.map((it) => h('li', null, richText(it, t))))
    case 'table':
      return h(
        'div',
        { class: 'table-wrap', role: 'region', 'aria-label': t.tableLabel, tabindex: 0 },
        h(
          'table',
          { class: 'policy-table' },
          h('thead', null, h('tr', null, b.columns.map((c) => h('th', { scope: 'col' }, c)))),
          h(
            'tbody',
            null,
            b.rows.map((r) => h('tr', null, r.map((cell, i) => (i === 0 ? h('th', { scope: 'row' }, richText(cell, t)) : h('td', null, richText(cell, t)))))),
          ),
        ),
      )
    case 'sdk':
      return h('div', { class: 'sdk-list', role: 'group', 'aria-label': t.sdkLabel }, b.entries.map((e) => sdkCard(e, t, level + 1)))
  }
}

/** The 摘要 section's blocks (its title is the caller's heading). */
export function renderSummary(doc: PolicyDocument, t: Strings): HTMLElement {
  const summary = doc.sections.find((s) => s.part === 'summary') ?? doc.sections[0]
  return h('div', { class: 'policy-body', lang: doc.locale }, summary.blocks.map((b) => renderBlock(b, t, 2)))
}

/** `text` with each of `keep` (a date, a version) in a span that stays on one line: "2024-02-29" never ends a line at "2024-". */
function keepWhole(text: string, keep: string[]): Child[] {
  const words = keep.filter((k) => k !== '').map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  if (words.length === 0) return [text]
  return text.split(new RegExp(`(${words.join('|')})`)).map((part, i) => (i % 2 === 1 ? h('span', { class: 'nowrap' }, part) : part))
}

/** The whole document: title, version, contents, then every section. */
export function renderFullPolicy(doc: PolicyDocument, t: Strings): HTMLElement {
  const toc = h(
    'nav',
    { class: 'policy-toc', 'aria-labelledby': 'policy-toc-title' },
    h('h2', { id: 'policy-toc-title' }, t.policyContents),
    // Section titles carry their own ordinals (一、二、…): no second numbering.
    h(
      'ul',
      { lang: doc.locale },
      doc.sections.map((s) => h('li', null, h('a', { href: `#${sectionAnchor(s.id)}` }, sectionTitle(s)))),
    ),
  )
  const sections = doc.sections.map((s) =>
    h(
      'section',
      { id: sectionAnchor(s.id), class: 'policy-section', 'aria-labelledby': `${sectionAnchor(s.id)}-title`, lang: doc.locale },
      h('h2', { id: `${sectionAnchor(s.id)}-title`, tabindex: -1 }, sectionTitle(s)),
      s.blocks.map((b) => renderBlock(b, t, 2)),
    ),
  )
  return h(
    'article',
    { class: 'policy-full' },
    h('h1', { id: 'policy-title', tabindex: -1, lang: doc.locale }, doc.title),
    h('p', { class: 'muted' }, keepWhole(t.policyMeta(doc.version, doc.effectiveDate), [doc.version, doc.effectiveDate])),
    t.policyOnlyChinese ? h('p', { class: 'muted' }, t.policyOnlyChinese) : null,
    toc,
    sections,
  )
}
