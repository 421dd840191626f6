import { Lightning, Router } from '@lightningjs/sdk'
import { appContext } from '../services/AppContext'
import { SAFE } from '../theme/screen'
import type { PageTemplateSpec } from './ContextPage'
import { label, pageTemplate } from '../theme/pageTemplate'
import { log } from '../qa/testHook'
import { announceAgain } from '../voice/focusAnnouncer'
import { uiKey } from '../voice/announcements'

type PageClass = new (...args: never[]) => Lightning.Component

interface FeaturePageTemplateSpec extends PageTemplateSpec {
  Message: object
}

/**
 * The route's page for a screen whose code is in a feature bundle (#pair, #privacy): the
 * route's before() hook loads the bundle and mounts the real screen here, which then owns the
 * page (focus, keys, lifecycle). If the bundle cannot load, it says so and Back leaves.
 */
export default class FeaturePage extends Lightning.Component<FeaturePageTemplateSpec> {
  static override _template(): Lightning.Component.Template<FeaturePageTemplateSpec> {
    return pageTemplate({ Message: { x: SAFE.x, y: SAFE.y, ...label(40) } })
  }

  private readonly Message = this.getByRef('Message')!
  private _screen: Lightning.Component | null = null
  private _failed = false

  /** The whole message when the feature could not load (the screen's own title otherwise). */
  get announce() {
    return this._failed ? uiKey('featureUnavailable') : null
  }

  /** Loads the feature and shows its screen; the same screen is kept for later visits. */
  async open(load: () => Promise<PageClass>): Promise<void> {
    if (this._screen) return
    try {
      const type = await load()
      this.Message.text = ''
      this._failed = false
      this._screen = this.childList.a({ type }) as Lightning.Component
    } catch (err) {
      log(`feature load failed: ${(err as Error).message}`)
      this.Message.text = appContext().t('featureUnavailable')
      this._failed = true
      announceAgain(this)
    }
  }

  override _getFocused(): Lightning.Component {
    return this._screen ?? this
  }

  override _handleBack() {
    Router.back()
  }
}
