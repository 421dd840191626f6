// The benchmark's baseline: the SDK's Launch and one Lightning component drawing one line of
// text, nothing else. Built with the same CLI, settings shape and minifier as the TV app.
import { Launch, Lightning, type AppData, type PlatformSettings } from '@lightningjs/sdk'

type AppSettings = Parameters<typeof Launch>[1]

class EmptyApp extends Lightning.Component {
  static override _template() {
    return {
      rect: true,
      w: 1920,
      h: 1080,
      color: 0xff101418,
      Label: { x: 96, y: 54, text: { text: 'Hello', fontSize: 44, textColor: 0xffffffff } },
    }
  }
}

export default function (appSettings: AppSettings, platformSettings: PlatformSettings, appData: AppData) {
  return Launch(EmptyApp, appSettings, platformSettings, appData)
}
