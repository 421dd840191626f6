// Policy compiler: Markdown source → PolicyDocument (src/core/policy/model.ts), at build time.
//
// Source conventions (see policy/*.md):
//
//   ---                                front matter, first line of the file: `key: value` lines
//   id: miitee-privacy-policy          id, version, effectiveDate (YYYY-MM-DD) and locale, all required
//   version: 2024-02-29
//   effectiveDate: 2024-02-29
//   locale: zh-CN
//   ---
//   # Title                            the document title, once, before any section
//   ## 摘要: {#summary part=summary}   a section: explicit id; `part` on the first section of each part
//   ## 一、… {#s1}                     later sections inherit the part; "一、" gives the ordinal
//   ### sub-heading / #### minor       heading blocks (level 2 / 3)
//   paragraphs, `-` and `1.` lists     a `1.` marker is written back into the item ("1.在…")
//   GFM pipe tables                    `<br>` separates lines inside a cell
//   ```sdk                             third-party SDK entries: `label:value` lines, entries
//   SDK名称:…                          separated by a blank line, each starting with SDK名称
//   ```
//
// Each section carries the SHA-256 of its normalised form (sectionSha256) and the document the
// SHA-256 of all of it (policySha256): re-consent compares the first to say which sections changed.
//
// Anything else (HTML, block quotes, other code blocks, images, rules, nested lists) is rejected
// with a PolicyCompileError naming the file and the 1-based line.

import { createHash } from 'node:crypto'
import { canonicalJson } from '../../src/core/policy/canonical'
import { POLICY_MODEL_SCHEMA_VERSION, type PolicyDocument, type PolicySection } from '../../src/core/policy/model'
import { sectionHashInput } from '../../src/core/policy/sectionHashes'
import { PolicySource } from './errors'
import { parseFrontMatter } from './frontMatter'
import { closeIndex, lineOf, md, type Token } from './markdown'
import { parseSdk } from './sdkBlocks'
import { SectionBuilder } from './sections'
import { parseTable } from './tables'
import { parseList, parseParagraph } from './textBlocks'

export { POLICY_ERROR_CODES, PolicyCompileError, type PolicyErrorCode } from './errors'
export { SDK_LABELS } from './sdkBlocks'

export function compilePolicy(source: string, fileName: string): PolicyDocument {
  const src: PolicySource = new PolicySource(source, fileName)
  const { meta, bodyStart } = parseFrontMatter(src)
  // Front matter lines become blank lines, so Markdown token lines stay file lines.
  const body = src.lines.map((l, i) => (i < bodyStart ? '' : l)).join('\n')
  const tokens = md.parse(body, {})
  const doc = new SectionBuilder(src)
  for (let i = 0; i < tokens.length; ) {
    const end = closeIndex(tokens, i)
    topLevel(src, doc, tokens, i, end)
    i = end + 1
  }
  doc.closeSection()
  const lastLine = src.lastContentLine()
  if (doc.title === undefined) src.fail('POLICY_BAD_TITLE', lastLine, 'the document has no title (a `# ` heading)')
  for (const part of ['summary', 'full'] as const) {
    if (!doc.sections.some((s) => s.part === part)) {
      src.fail('POLICY_MISSING_PART', lastLine, `the document has no "${part}" part (declare it with {#id part=${part}} on a ## section)`)
    }
  }
  const compiled: Omit<PolicyDocument, 'sha256'> = {
    schema: POLICY_MODEL_SCHEMA_VERSION,
    id: meta.id,
    version: meta.version,
    effectiveDate: meta.effectiveDate,
    locale: meta.locale,
    title: doc.title,
    sections: doc.sections.map((section) => ({ ...section, sha256: sectionSha256(section) })),
  }
  return { ...compiled, sha256: policySha256(compiled) }
}

/** The SHA-256 (lowercase hex) a document must carry: over canonicalJson of the document without `sha256`. */
export function policySha256(doc: Omit<PolicyDocument, 'sha256'> | PolicyDocument): string {
  const { sha256: _omit, ...rest } = doc as PolicyDocument
  return createHash('sha256').update(canonicalJson(rest), 'utf8').digest('hex')
}

/** The SHA-256 (lowercase hex) a section must carry: over its normalised form (sectionHashInput), so it changes only with that section. */
export function sectionSha256(section: PolicySection): string {
  return createHash('sha256').update(sectionHashInput(section), 'utf8').digest('hex')
}

/** One top-level Markdown block (tokens i to end) into the document, or an error naming what is not supported. */
function topLevel(src: PolicySource, doc: SectionBuilder, tokens: Token[], i: number, end: number): void {
  const t = tokens[i]
  const line = lineOf(t)
  if (t.type === 'heading_open' && t.tag === 'h1') return doc.docTitle(tokens[i + 1], line)
  if (doc.title === undefined) src.fail('POLICY_BAD_TITLE', line, 'the document must start with its title (a `# ` heading) after the front matter')
  switch (t.type) {
    case 'heading_open': {
      const level = Number(t.tag.slice(1))
      if (level === 2) return doc.openSection(tokens[i + 1], line)
      if (level === 3 || level === 4) return doc.heading(tokens[i + 1], level === 3 ? 2 : 3, line)
      return src.fail('POLICY_UNKNOWN_BLOCK', line, `${'#'.repeat(level)} headings are not supported (use ## sections, ### and #### headings)`)
    }
    case 'paragraph_open':
      return doc.add(parseParagraph(src, tokens[i + 1], line), line)
    case 'bullet_list_open':
    case 'ordered_list_open':
      return doc.add(parseList(src, tokens, i, end), line)
    case 'table_open':
      return doc.add(parseTable(src, tokens, i, end), line)
    case 'fence':
      if (t.info.trim() === 'sdk') return doc.add(parseSdk(src, t), line)
      return src.fail('POLICY_UNKNOWN_BLOCK', line, `\`\`\`${t.info.trim()} code blocks are not supported (only \`\`\`sdk blocks)`)
    case 'code_block':
      return src.fail('POLICY_UNKNOWN_BLOCK', line, 'indented code blocks are not supported (is the line indented by 4 spaces?)')
    case 'html_block':
      return src.fail('POLICY_UNKNOWN_BLOCK', line, 'HTML blocks are not supported')
    case 'blockquote_open':
      return src.fail('POLICY_UNKNOWN_BLOCK', line, 'block quotes are not supported')
    case 'hr':
      return src.fail('POLICY_UNKNOWN_BLOCK', line, 'horizontal rules are not supported')
    default:
      return src.fail('POLICY_UNKNOWN_BLOCK', line, `unsupported Markdown (${t.type})`)
  }
}
