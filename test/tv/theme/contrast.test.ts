// The TV's colours against WCAG 2.2: every (foreground, background) pair the theme lists meets
// its minimum (text 4.5:1, focus indicator 3:1), every colour the TV's code draws is a theme
// colour, and every theme colour is in a pair (or says why it carries no information).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { COLOUR_PAIRS, DECORATIVE, MIN_RATIO } from '../../../src/tv/theme/colorPairs'
import { contrastRatio, hex, luminance, over } from '../../../src/tv/theme/contrast'
import { COLORS, MENU_COLORS } from '../../../src/tv/theme/screen'

const ROOT = join(__dirname, '../../..')
const TV = join(ROOT, 'src/tv')

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : []
  })
}

describe('contrast math (WCAG 2.2 relative luminance)', () => {
  it('matches the reference values', () => {
    expect(luminance(0xffffffff)).toBeCloseTo(1, 6)
    expect(luminance(0xff000000)).toBe(0)
    expect(contrastRatio(0xffffffff, 0xff000000)).toBeCloseTo(21, 6)
    // #767676 is the darkest grey that passes 4.5:1 on white; #777777 just fails.
    expect(contrastRatio(0xff767676, 0xffffffff)).toBeGreaterThanOrEqual(4.5)
    expect(contrastRatio(0xff777777, 0xffffffff)).toBeLessThan(4.5)
    expect(contrastRatio(0xff3d8bfd, 0xff9aa7b4)).toBeCloseTo(contrastRatio(0xff9aa7b4, 0xff3d8bfd), 9)
  })

  it('composes a translucent colour over what is behind it', () => {
    expect(over(0x80ffffff, 0xff000000)).toBe(0xff808080)
    expect(over(0xff2f80ed, 0xff101418, 0)).toBe(0xff101418)
    expect(over(0x332f80ed, 0xff101418)).toBe(0xff162a43)
  })
})

describe('theme colour pairs', () => {
  it('every pair the TV draws meets its WCAG 2.2 minimum', () => {
    const failing = COLOUR_PAIRS.filter((p) => contrastRatio(p.fg, p.bg) < MIN_RATIO[p.kind]).map(
      (p) => `${p.what}: ${hex(p.fg)} on ${hex(p.bg)} ${contrastRatio(p.fg, p.bg).toFixed(2)}:1 < ${MIN_RATIO[p.kind]}:1`,
    )
    expect(failing).toEqual([])
  })

  it('lists the focused menu row, the unavailable entry, the resting bar and the banner', () => {
    const has = (fg: number, bg: number) => COLOUR_PAIRS.some((p) => p.fg === fg && p.bg === bg)
    expect(has(MENU_COLORS.onFocus, COLORS.focus)).toBe(true)
    expect(has(MENU_COLORS.unavailable, COLORS.panel)).toBe(true)
    expect(has(MENU_COLORS.value, over(COLORS.focus, COLORS.panel, MENU_COLORS.restingBarAlpha))).toBe(true)
    expect(has(COLORS.warning, COLORS.bannerBg)).toBe(true)
    // The values the issue found on a focused row, #9aa7b4 on #3d8bfd (1.36:1), would fail here.
    expect(contrastRatio(0xff9aa7b4, 0xff3d8bfd)).toBeLessThan(MIN_RATIO.text)
  })

  it('every theme colour is in a pair, or says why it carries no information', () => {
    const used = new Set(COLOUR_PAIRS.flatMap((p) => [p.fg, p.bg]))
    const composedFrom = ['highlight']
    const unpaired = Object.entries(COLORS)
      .filter(([name, v]) => !used.has(v) && !(name in DECORATIVE) && !composedFrom.includes(name))
      .map(([name]) => name)
    expect(unpaired).toEqual([])
  })

  it('every colour literal in the TV code outside the theme is a theme colour', () => {
    const palette = new Set<number>(Object.values(COLORS))
    const strays: string[] = []
    for (const file of sources(TV).filter((f) => !f.startsWith(join(TV, 'theme')))) {
      const text = readFileSync(file, 'utf8')
      for (const m of text.matchAll(/0x[0-9a-fA-F]{8}\b/g)) {
        if (!palette.has(Number(m[0]) >>> 0)) strays.push(`${relative(ROOT, file)}: ${m[0]}`)
      }
    }
    expect(strays).toEqual([])
  })
})
