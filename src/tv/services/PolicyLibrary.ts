import type { PolicyDocument } from '../../core/policy/model'
import type { PolicyIndexEntry } from '../../core/policy'
import { paginate } from '../../core/layout/paginator'
import type { Pagination, QrCaptions, TextSize } from '../../core/layout/types'
import type { GlyphWidthCache } from '../../core/text/glyphWidths'
import { fetchBody } from '../startup/bootHandoff'
import { firstPolicyRequests, policyPath, type PolicyLoadOptions } from './policyRequests'

export class PolicyLoadError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** Loads the compiled policy model from the app's own static assets (no other host). */
export async function loadPolicy(baseUrl: string, options: PolicyLoadOptions = {}): Promise<PolicyDocument> {
  const locale = options.locale ?? 'zh-CN'
  const first = firstPolicyRequests(baseUrl, options)
  const indexRequest = getJson<{ policies: PolicyIndexEntry[] } | PolicyIndexEntry[]>(first.index)
  // Settled here so that a failed speculative request is never an unhandled rejection.
  const preloaded = first.preload ? getJson<PolicyDocument>(first.preload).then((doc) => ({ doc }), (error: unknown) => ({ error })) : null
  const index = await indexRequest
  const entries = Array.isArray(index) ? index : index.policies
  const entry = entries.find((e) => e.locale === locale) ?? entries[0]
  if (!entry) throw new PolicyLoadError('POLICY_INDEX_EMPTY', 'policy/index.json lists no policy')
  const url = `${baseUrl}${policyPath(entry.path)}`
  let doc: PolicyDocument
  if (preloaded && url === first.preload) {
    const result = await preloaded
    if ('error' in result) throw result.error
    doc = result.doc
  } else {
    doc = await getJson<PolicyDocument>(url)
  }
  if (!doc || !Array.isArray(doc.sections) || !doc.sha256) {
    throw new PolicyLoadError('POLICY_MALFORMED', `${entry.path} is not a compiled policy document`)
  }
  return doc
}

/** GETs JSON, reusing the body the boot script read ahead for this URL, if any. */
async function getJson<T>(url: string): Promise<T> {
  const body = await fetchBody(url)
  if (!body.ok) throw new PolicyLoadError('POLICY_HTTP', `${url}: HTTP ${body.status}`)
  return JSON.parse(body.text) as T
}

export interface PaginationRequest {
  textSize: TextSize
  qrCaptions: QrCaptions
  /** Body box; defaults to the reader's. */
  body?: { width: number; height: number }
  /** Lay out only these sections (the gate shows just the summary). */
  sectionIds?: string[]
}

/** Paginations of one document, one per text size and caption, computed on demand and kept. */
export class PolicyLibrary {
  private readonly cache = new Map<string, Pagination>()

  constructor(
    readonly doc: PolicyDocument,
    private readonly widths: GlyphWidthCache,
    private readonly body: { width: number; height: number },
    private readonly qrSize: number,
  ) {}

  /** Forgets every pagination (the glyph widths they were made with turned out wrong). */
  clear(): void {
    this.cache.clear()
  }

  pagination(req: PaginationRequest): Pagination {
    const body = req.body ?? this.body
    const key = `${req.textSize}|${req.qrCaptions.web}|${req.qrCaptions.mail}|${req.qrCaptions.tel}|${body.width}x${body.height}|${req.sectionIds?.join(',') ?? '*'}`
    let p = this.cache.get(key)
    if (!p) {
      const doc = req.sectionIds ? { ...this.doc, sections: this.doc.sections.filter((s) => req.sectionIds!.includes(s.id)) } : this.doc
      p = paginate(doc, { page: body, textSize: req.textSize, qrCaptions: req.qrCaptions, qrSize: this.qrSize }, this.widths)
      this.cache.set(key, p)
    }
    return p
  }
}
