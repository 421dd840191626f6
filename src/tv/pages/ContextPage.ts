import { Lightning } from '@lightningjs/sdk'
import { appContext } from '../services/AppContext'
import { ui } from '../voice/announcements'
import type { Speakable } from '../voice/focusAnnouncer'

/** The children every page gets from pageTemplate(); a page's TemplateSpec adds its own. */
export interface PageTemplateSpec extends Lightning.Component.TemplateSpec {
  Title: object
  Hint: object
}

/**
 * A page that redraws its strings and layout from the app context: on showing, and on every
 * preference change while shown (language, text size). Hidden pages do not listen.
 */
export default abstract class ContextPage<
  TemplateSpec extends Lightning.Component.TemplateSpecLoose = Lightning.Component.TemplateSpecLoose,
> extends Lightning.Component<TemplateSpec> {
  private _unsubscribe: (() => void) | null = null

  abstract refresh(): void

  /** Voice guidance on entering the page: its title (pages add what they show first). */
  get announce(): Speakable {
    return shownText(this.childList.getByRef('Title'))
  }

  /** Said once after the focused control: the page's key hint. */
  get announceContext(): Speakable {
    return shownText(this.childList.getByRef('Hint'))
  }

  override _active() {
    this._unsubscribe?.()
    this._unsubscribe = appContext().onChange(() => this.refresh())
    this.refresh()
  }

  override _inactive() {
    this._unsubscribe?.()
    this._unsubscribe = null
  }
}

/** The text an element shows (a Lightning text texture or a text atlas region), as UI speech. */
export function shownText(el: unknown): Speakable {
  const text = ((el as { texture?: { text?: unknown } } | undefined)?.texture?.text as string | undefined) ?? ''
  return text ? ui(text) : null
}
