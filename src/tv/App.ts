import { Lightning } from '@lightningjs/sdk'

export default class App extends Lightning.Component {
  static override _template() {
    return { Label: { x: 96, y: 54, text: { text: 'Miitee', fontSize: 48 } } }
  }
}
