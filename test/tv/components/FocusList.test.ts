// @vitest-environment jsdom
// FocusList, the focus base of MenuList, ButtonRow and the consent overlay's ChoiceList: one item
// per move, false at either end so the key passes up to the parent, and the keys each list binds.
import 'vitest-canvas-mock'
import { beforeAll, describe, expect, it } from 'vitest'
import { Lightning } from '@lightningjs/sdk'
import FocusList from '../../../src/tv/components/FocusList'
import MenuList from '../../../src/tv/components/MenuList'
import ButtonRow from '../../../src/tv/components/ButtonRow'
import ChoiceList from '../../../src/tv/features/pairing/components/ChoiceList'

class Letters extends FocusList {
  ids = ['a', 'b', 'c']
  changes = 0
  protected itemIds() {
    return this.ids
  }
  protected override _indexChanged() {
    this.changes++
  }
  keepInRange() {
    this._keepIndexInRange()
  }
}

const KEY_CODES = { Left: 37, Up: 38, Right: 39, Down: 40, Enter: 13 }
type Key = keyof typeof KEY_CODES

/** The lists under test, one focused at a time; records the keys they pass up and the events they fire. */
class Host extends Lightning.Application {
  static override _template() {
    return { Letters: { type: Letters }, Menu: { type: MenuList }, Buttons: { type: ButtonRow }, Choices: { type: ChoiceList } }
  }
  // Set by focus(): the application focuses before its subclass's fields are initialised.
  focused?: string
  passed: Key[] = []
  events: unknown[][] = []
  override _getFocused(): Lightning.Component {
    return this.focused ? (this.tag(this.focused) as Lightning.Component) : this
  }
  override _handleUp() {
    this.passed.push('Up')
  }
  override _handleDown() {
    this.passed.push('Down')
  }
  override _handleLeft() {
    this.passed.push('Left')
  }
  override _handleRight() {
    this.passed.push('Right')
  }
  $menuSelected(id: string) {
    this.events.push(['menuSelected', id])
  }
  $menuAdjust(id: string, step: number) {
    this.events.push(['menuAdjust', id, step])
  }
  $buttonFocused(id: string) {
    this.events.push(['buttonFocused', id])
  }
  $buttonPressed(id: string) {
    this.events.push(['buttonPressed', id])
  }
  $choiceChanged() {
    this.events.push(['choiceChanged'])
  }
}

let host: Host

function focus(ref: string) {
  host.focused = ref
  host._refocus()
  host.passed = []
  host.events = []
}

function press(...keys: Key[]) {
  for (const key of keys) window.dispatchEvent(new KeyboardEvent('keydown', { keyCode: KEY_CODES[key], bubbles: true } as KeyboardEventInit))
}

const leaf = () => host.focusPath![host.focusPath!.length - 1]

beforeAll(() => {
  host = new Host({ stage: { w: 64, h: 64, canvas2d: true } } as never)
})

describe('FocusList', () => {
  const letters = () => host.tag('Letters') as Letters

  it('moves one item at a time and returns false, changing nothing, at either end', () => {
    const list = letters()
    expect([list.index, list.selectedId]).toEqual([0, 'a'])
    expect(list.selectPrevious()).toBe(false)
    expect(list.selectNext()).toBe(true)
    expect(list.selectNext()).toBe(true)
    expect([list.index, list.selectedId]).toEqual([2, 'c'])
    expect(list.selectNext()).toBe(false)
    expect(list.index).toBe(2)
    expect(list.selectPrevious()).toBe(true)
    expect(list.selectedId).toBe('b')
    expect(list.changes).toBe(3)
  })

  it('selects by id, and ignores an id it does not have', () => {
    const list = letters()
    expect(list.select('c')).toBe(true)
    expect(list.index).toBe(2)
    expect(list.select('z')).toBe(false)
    expect(list.index).toBe(2)
  })

  it('keeps the index on an item when the items change, 0 when there are none', () => {
    const list = letters()
    list.select('c')
    list.ids = ['a', 'b']
    list.keepInRange()
    expect(list.selectedId).toBe('b')
    list.ids = []
    list.keepInRange()
    expect([list.index, list.selectedId]).toEqual([0, undefined])
    expect(list.selectNext()).toBe(false)
    expect(list.selectPrevious()).toBe(false)
  })
})

describe('MenuList', () => {
  it('moves with Up/Down, passes them up at either end, and fires its entry on Enter and Left/Right', () => {
    const menu = host.tag('Menu') as MenuList
    menu.entries = [{ id: 'language', label: 'Language' }, { id: 'clear', label: 'Clear' }]
    focus('Menu')
    press('Up')
    expect(host.passed).toEqual(['Up'])
    press('Down', 'Down')
    expect([menu.selectedId, host.passed]).toEqual(['clear', ['Up', 'Down']])
    press('Enter', 'Left', 'Right')
    expect(host.events).toEqual([
      ['menuSelected', 'clear'],
      ['menuAdjust', 'clear', -1],
      ['menuAdjust', 'clear', 1],
    ])
  })
})

describe('ButtonRow', () => {
  it('moves focus with Left/Right, firing the focused id, and passes them up at either end', () => {
    const row = host.tag('Buttons') as ButtonRow
    row.buttons = [{ id: 'agree', label: '同意' }, { id: 'disagree', label: '不同意' }]
    focus('Buttons')
    expect(leaf().ref).toBe('B_agree')
    press('Left', 'Right', 'Right', 'Up')
    expect(leaf().ref).toBe('B_disagree')
    expect(host.passed).toEqual(['Left', 'Right', 'Up'])
    press('Enter')
    expect(host.events).toEqual([
      ['buttonFocused', 'disagree'],
      ['buttonPressed', 'disagree'],
    ])
  })
})

describe('ChoiceList', () => {
  it('moves between the scopes with Up/Down and passes them up past the first and the last', () => {
    const list = host.tag('Choices') as ChoiceList
    list.scopes = ['bluetooth', 'network']
    focus('Choices')
    expect(leaf()).toBe(list.rows[0])
    press('Up', 'Down', 'Down')
    expect(leaf()).toBe(list.rows[1])
    expect(host.passed).toEqual(['Up', 'Down'])
    // Left/Right move between the focused row's 允许 and 拒绝 (focus starts on 拒绝); only OK chooses.
    expect(list.rows[1].focusedButton).toBe('deny')
    press('Left', 'Left')
    // The row tells its ancestors of the focus move (once: the second Left is at the edge), its answer still unchosen.
    expect([list.rows[1].focusedButton, list.rows[1].choice, host.passed, host.events]).toEqual(['allow', null, ['Up', 'Down'], [['choiceChanged']]])
    press('Enter')
    expect([list.rows[1].choice, host.events]).toEqual(['granted', [['choiceChanged'], ['choiceChanged']]])
    // Up keeps the column: the first row's 允许 is focused, still unchosen.
    press('Up')
    expect([leaf(), list.rows[0].focusedButton, list.rows[0].choice]).toEqual([list.rows[0], 'allow', null])
    list.scopes = ['location']
    expect(list.selectedId).toBe('location')
  })
})
