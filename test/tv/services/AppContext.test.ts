// @vitest-environment jsdom
// Pages are laid out with the glyph table while the fonts download; once they are in, a table
// that disagrees with them makes every shown page lay out again.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { PolicyDocument } from '../../../src/core/policy/model'
import { createGlyphWidthCache } from '../../../src/core/text/glyphWidths'
import { AppContext } from '../../../src/tv/services/AppContext'
import { MemoryStore } from '../../../src/tv/services/KeyValueStore'
import { PolicyLibrary } from '../../../src/tv/services/PolicyLibrary'

// The app's shared glyph widths, with a confirm() whose verdict each test sets.
const glyphs = vi.hoisted(() => ({ confirm: vi.fn<() => boolean>() }))
vi.mock('../../../src/tv/text/canvasGlyphWidths', () => ({ appGlyphWidths: () => glyphs }))

const policy: PolicyDocument = {
  schema: 1,
  id: 'p',
  version: '2024-02-29',
  effectiveDate: '2024-02-29',
  locale: 'zh-CN',
  title: 'p',
  sections: [{ id: 'summary', part: 'summary', title: '摘要', blocks: [{ type: 'paragraph', text: '我们将收集您的设备信息。'.repeat(20) }] }],
  sha256: 'sha-p',
}

/** A context with a loaded policy, one listener kept and one removed again. */
function context() {
  const ctx = new AppContext(new MemoryStore())
  ctx.library = new PolicyLibrary(policy, createGlyphWidthCache((_glyph, font) => font.size), { width: 800, height: 600 }, 200)
  const clear = vi.spyOn(ctx.library, 'clear')
  const kept = vi.fn()
  const removed = vi.fn()
  ctx.onChange(kept)
  const off = ctx.onChange(removed)
  off()
  return { ctx, clear, kept, removed }
}

describe('AppContext.confirmLayout', () => {
  beforeEach(() => {
    glyphs.confirm.mockReset()
  })

  it('keeps the paginations and tells nobody when the table agrees with the loaded fonts', () => {
    const { ctx, clear, kept, removed } = context()
    const before = ctx.pagination()
    glyphs.confirm.mockReturnValue(true)
    ctx.confirmLayout()
    expect(glyphs.confirm).toHaveBeenCalledTimes(1)
    expect(clear).not.toHaveBeenCalled()
    expect(ctx.pagination()).toBe(before)
    expect(kept).not.toHaveBeenCalled()
    expect(removed).not.toHaveBeenCalled()
  })

  it('forgets the paginations and calls the listeners with the preferences when the table disagrees', () => {
    const { ctx, clear, kept, removed } = context()
    ctx.update({ textSize: 'L' })
    kept.mockClear()
    const before = ctx.pagination()
    glyphs.confirm.mockReturnValue(false)
    ctx.confirmLayout()
    expect(glyphs.confirm).toHaveBeenCalledTimes(1)
    expect(clear).toHaveBeenCalledTimes(1)
    // The listeners lay their pages out again; they get a new pagination, not the one made before.
    expect(ctx.pagination()).not.toBe(before)
    expect(kept).toHaveBeenCalledTimes(1)
    expect(kept).toHaveBeenCalledWith(ctx.prefs)
    expect(ctx.prefs.textSize).toBe('L')
    // Unsubscribed before any change.
    expect(removed).not.toHaveBeenCalled()
  })

  it('calls the listeners even before the policy is loaded', () => {
    const ctx = new AppContext(new MemoryStore())
    const listener = vi.fn()
    ctx.onChange(listener)
    glyphs.confirm.mockReturnValue(false)
    expect(() => ctx.confirmLayout()).not.toThrow()
    expect(listener).toHaveBeenCalledWith(ctx.prefs)
  })
})
