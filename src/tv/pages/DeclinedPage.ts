import { Lightning, Router } from '@lightningjs/sdk'
import ContextPage, { shownText, type PageTemplateSpec } from './ContextPage'
import { closeApp } from '../platform/closeApp'
import ButtonRow from '../components/ButtonRow'
import { appContext } from '../services/AppContext'
import { COLORS, FONT_FAMILY, SAFE } from '../theme/screen'
import { pageTemplate } from '../theme/pageTemplate'
import { breakLines } from '../../core/text/lineBreaker'
import { appGlyphWidths } from '../text/canvasGlyphWidths'
import { uiKey } from '../voice/announcements'

interface DeclinedPageTemplateSpec extends PageTemplateSpec {
  Body: object
  Buttons: typeof ButtonRow
}

/** 不同意: says plainly what is unavailable and offers to read again or exit. Never loops. */
export default class DeclinedPage extends ContextPage<DeclinedPageTemplateSpec> {
  static override _template(): Lightning.Component.Template<DeclinedPageTemplateSpec> {
    return pageTemplate(
      {
        Body: { x: SAFE.x, y: SAFE.y + 220, text: { text: '', fontFace: FONT_FAMILY, fontSize: 34, lineHeight: 54, wordWrap: false, textColor: COLORS.text } },
        Buttons: { type: ButtonRow, x: SAFE.x, y: SAFE.y + 620 },
      }, { titleY: SAFE.y + 120 },
    )
  }

  readonly buttons = this.getByRef('Buttons')!
  private _widths = appGlyphWidths()

  override _init() {
    this.buttons.buttons = [
      { id: 'read', label: '' },
      { id: 'exit', label: '' },
    ]
  }

  refresh() {
    const ctx = appContext()
    this.tag('Title')!.text = ctx.t('declinedTitle')
    const lines = breakLines(ctx.t('declinedBody'), 1400, (s) => this._widths.width(s, { size: 34 }))
    this.tag('Body')!.text = lines.join('\n')
    this.buttons.relabel({ read: ctx.t('readAgain'), exit: ctx.t('exit') })
  }

  override get announce() {
    return [shownText(this.tag('Title')), uiKey('declinedBody')]
  }

  $buttonPressed(id: string) {
    if (id === 'read') Router.navigate('gate', false)
    else closeApp()
  }

  override _handleBack() {
    Router.navigate('gate', false)
  }

  override _getFocused() {
    return this.buttons
  }
}
