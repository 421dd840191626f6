import { Lightning, Router } from '@lightningjs/sdk'
import { appContext } from '../services/AppContext'
import { SAFE } from '../theme/screen'
import type { PageTemplateSpec } from './ContextPage'
import { label, pageTemplate } from '../theme/pageTemplate'
import { log } from '../qa/testHook'

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

  /** Loads the feature and shows its screen; the same screen is kept for later visits. */
  async open(load: () => Promise<PageClass>): Promise<void> {
    if (this._screen) return
    try {
      const type = await load()
      this.Message.text = ''
      this._screen = this.childList.a({ type }) as Lightning.Component
    } catch (err) {
      log(`feature load failed: ${(err as Error).message}`)
      this.Message.text = appContext().t('featureUnavailable')
    }
  }

  override _getFocused(): Lightning.Component {
    return this._screen ?? this
  }

  override _handleBack() {
    Router.back()
  }
}
