import { Lightning } from '@lightningjs/sdk'
import { COLORS, FONT_FAMILY } from '../lib/screen'

/** A remote-focusable button: filled when focused, outlined otherwise. */
export default class Button extends Lightning.Component {
  static override _template() {
    return {
      w: 280,
      h: 84,
      Bg: {
        w: (w: number) => w,
        h: (h: number) => h,
        texture: Lightning.Tools.getRoundRect(280, 84, 12, 3, COLORS.muted, false, 0),
      },
      Label: {
        mountX: 0.5,
        mountY: 0.5,
        x: (w: number) => w / 2,
        y: (h: number) => h / 2 + 2,
        text: { text: '', fontFace: FONT_FAMILY, fontSize: 34, textColor: COLORS.text, wordWrap: false },
      },
    }
  }

  set label(v: string) {
    this.tag('Label').text.text = v
  }
  get label(): string {
    return this.tag('Label').text.text
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
    this.tag('Bg').texture = focused
      ? Lightning.Tools.getRoundRect(this.w, this.h, 12, 0, 0, true, COLORS.focus)
      : Lightning.Tools.getRoundRect(this.w, this.h, 12, 3, COLORS.muted, false, 0)
    this.tag('Label').text.textColor = focused ? 0xffffffff : COLORS.text
  }
}
