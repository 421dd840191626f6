import { Lightning } from '@lightningjs/sdk'
import { COLORS, FONT_FAMILY } from '../theme/screen'
import { spokenButton } from '../voice/announcements'

interface ButtonTemplateSpec extends Lightning.Component.TemplateSpec {
  label: string
  Fill: object
  Outline: { Top: object; Bottom: object; Left: object; Right: object }
  Label: object
}

/** Width of the unfocused button's outline, in px. */
const OUTLINE = 3

/**
 * A remote-focusable button: filled when focused, outlined otherwise. Drawn with plain
 * rectangles, which share Lightning's one-pixel texture: a canvas-drawn rounded rectangle costs a
 * canvas, a draw and an upload per state, which the consent gate's first frame paid twice.
 */
export default class Button
  extends Lightning.Component<ButtonTemplateSpec>
  implements Lightning.Component.ImplementTemplateSpec<ButtonTemplateSpec>
{
  static override _template(): Lightning.Component.Template<ButtonTemplateSpec> {
    return {
      w: 280,
      h: 84,
      // Focused: the whole button filled. Unfocused: a 3 px outline, four edges over whatever lies behind.
      Fill: { rect: true, w: (w: number) => w, h: (h: number) => h, color: COLORS.focus },
      Outline: {
        w: (w: number) => w,
        h: (h: number) => h,
        Top: { rect: true, w: (w: number) => w, h: OUTLINE, color: COLORS.muted },
        Bottom: { rect: true, y: (h: number) => h - OUTLINE, w: (w: number) => w, h: OUTLINE, color: COLORS.muted },
        Left: { rect: true, w: OUTLINE, h: (h: number) => h, color: COLORS.muted },
        Right: { rect: true, x: (w: number) => w - OUTLINE, w: OUTLINE, h: (h: number) => h, color: COLORS.muted },
      },
      Label: {
        mountX: 0.5,
        mountY: 0.5,
        x: (w: number) => w / 2,
        y: (h: number) => h / 2 + 2,
        // Drawn white and tinted by the element's colour, so a label drawn in a page's text atlas
        // (labelTexture) changes colour with focus like Lightning's own text does.
        text: { text: '', fontFace: FONT_FAMILY, fontSize: 34, textColor: 0xffffffff, wordWrap: false },
        color: COLORS.text,
      },
    }
  }

  private readonly Fill = this.getByRef('Fill')!
  private readonly Outline = this.getByRef('Outline')!
  private readonly Label = this.getByRef('Label')!

  set label(v: string) {
    this.Label.text = v
  }

  /** Shows the label from a text atlas region instead (PageTextAtlas.text() settings). */
  set labelTexture(spec: { texture: Record<string, unknown> }) {
    this.Label.texture = spec.texture
  }
  get label(): string {
    // The texture's text: Lightning's text texture or an atlas region (reading .text would replace the latter).
    return (this.Label.texture as { text?: string } | null)?.text ?? ''
  }

  /** Where the button sits in its row, 1-based, for voice guidance ("同意，按钮，1/3"). */
  position: [number, number] = [1, 1]

  get announce() {
    return spokenButton(this.label, this.position[0], this.position[1])
  }

  override _init() {
    this._paint(false)
  }

  override _focus() {
    this._paint(true)
  }

  override _unfocus() {
    this._paint(false)
  }

  private _paint(focused: boolean) {
    this.Fill.visible = focused
    this.Outline.visible = !focused
    this.Label.color = focused ? 0xffffffff : COLORS.text
  }
}
