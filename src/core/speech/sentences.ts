// Long text is spoken sentence by sentence, so a key press can cut it short between sentences
// and a queued page never holds one utterance longer than a TV engine will speak.

const SENTENCE_END = /[。！？；!?;]|\.(?=\s|$)/

/**
 * Splits text after each sentence-ending mark (Chinese 。！？； and their ASCII forms; a full stop
 * only before a space or the end, so "1.5" and "miitee.cn" stay whole). Closing quotes and
 * brackets right after the mark stay with its sentence. Empty pieces are dropped.
 */
export function splitSentences(text: string): string[] {
  const out: string[] = []
  let rest = text
  while (rest.length) {
    const m = SENTENCE_END.exec(rest)
    if (!m) {
      out.push(rest)
      break
    }
    let end = m.index + m[0].length
    while (end < rest.length && /[”’」』）)\]】]/.test(rest[end])) end++
    out.push(rest.slice(0, end))
    rest = rest.slice(end)
  }
  return out.map((s) => s.trim()).filter((s) => s !== '')
}
