import { Lightning, Router } from '@lightningjs/sdk'
import ContextPage, { type PageTemplateSpec } from './ContextPage'
import MenuList from '../components/MenuList'
import { appContext } from '../services/AppContext'
import { nextSpeechRate, nextTextSize, SPEECH_RATES } from '../services/PreferencesStore'
import { UI_LANGUAGES, translate, type StringKey } from '../i18n/strings'
import { COLORS, FONT_FAMILY, SAFE } from '../theme/screen'
import { pageTemplate } from '../theme/pageTemplate'
import { voiceGuide } from '../voice/VoiceGuide'
import { openPairingEntry, pairingEntries } from './ContentsEntries'
import SettingsClearDialog from './SettingsClearDialog'

const RATE_NAMES: StringKey[] = ['rateSlow', 'rateNormal', 'rateFast']

/**
 * Storage a clear keeps: the browser bridge's device id (the service knows this TV's consents by
 * it, so they stay listable and withdrawable) and the consent outbox (decisions and withdrawals
 * the viewer made that have not reached the service yet).
 */
const KEPT_ON_CLEAR = ['device-id', 'consent-outbox']

interface SettingsPageTemplateSpec extends PageTemplateSpec {
  List: typeof MenuList
  Status: object
  ClearDialog: typeof SettingsClearDialog
}

/** Language (UI only; the policy stays in its own language), text size S/M/L, voice guidance and its rate, clear local data. */
export default class SettingsPage extends ContextPage<SettingsPageTemplateSpec> {
  static override _template(): Lightning.Component.Template<SettingsPageTemplateSpec> {
    return pageTemplate(
      {
        List: { type: MenuList, x: SAFE.x - 20, y: SAFE.y + 120, w: 900 },
        Status: { x: SAFE.x, y: SAFE.y + 600, text: { text: '', fontFace: FONT_FAMILY, fontSize: 30, textColor: COLORS.muted } },
        ClearDialog: { type: SettingsClearDialog },
      },
    )
  }

  readonly list = this.getByRef('List')!
  private readonly Status = this.getByRef('Status')!
  private readonly ClearDialog = this.getByRef('ClearDialog')!

  /** Set after a clear; otherwise the status line says when the policy was accepted. Drawn in the current language by refresh(). */
  private _cleared = false

  override _active() {
    this._cleared = false
    super._active()
  }

  refresh() {
    const ctx = appContext()
    const size = ctx.prefs.textSize
    this.tag('Title')!.text = ctx.t('settingsTitle')
    const accepted = ctx.acceptance.current()
    this.list.entries = [
      { id: 'language', label: ctx.t('language'), value: translate(ctx.prefs.language, 'languageName') },
      { id: 'textSize', label: ctx.t('textSize'), value: ctx.t(`textSize${size}` as StringKey) },
      { id: 'voice', label: ctx.t('voiceGuidance'), value: ctx.t(voiceGuide().enabled ? 'voiceOn' : 'voiceOff') },
      { id: 'rate', label: ctx.t('speechRate'), value: ctx.t(RATE_NAMES[(SPEECH_RATES as readonly number[]).indexOf(ctx.prefs.speechRate)] ?? 'rateNormal') },
      ...pairingEntries(),
      { id: 'clear', label: ctx.t('clearData') },
    ]
    this.Status.text = this._cleared ? ctx.t('clearDataDone') : accepted ? ctx.t('acceptedOn', { date: accepted.acceptedAt.slice(0, 10), version: accepted.version }) : ''
    this.tag('Hint')!.text = ctx.t('settingsHint')
  }

  $menuSelected(id: string) {
    const ctx = appContext()
    if (openPairingEntry(id, this.list)) return
    if (id === 'clear') {
      this._setState('ConfirmingClear')
    } else if (id === 'textSize') {
      // OK cycles S → M → L → S; Left/Right step within the range.
      const cur = ctx.prefs.textSize
      ctx.update({ textSize: cur === 'L' ? 'S' : nextTextSize(cur, 1) })
    } else if (id === 'rate') {
      ctx.update({ speechRate: nextSpeechRate(ctx.prefs.speechRate, 1, true) })
    } else {
      this.$menuAdjust(id, 1)
    }
  }

  $menuAdjust(id: string, step: 1 | -1) {
    const ctx = appContext()
    if (id === 'language') {
      const i = UI_LANGUAGES.indexOf(ctx.prefs.language)
      ctx.setLanguage(UI_LANGUAGES[(i + step + UI_LANGUAGES.length) % UI_LANGUAGES.length])
    } else if (id === 'textSize') {
      ctx.update({ textSize: nextTextSize(ctx.prefs.textSize, step) })
    } else if (id === 'voice') {
      ctx.update({ voiceGuidance: voiceGuide().enabled ? 'off' : 'on' })
    } else if (id === 'rate') {
      ctx.update({ speechRate: nextSpeechRate(ctx.prefs.speechRate, step) })
    }
  }

  /** The clear dialog's answer. */
  $buttonPressed(id: string) {
    this._setState('')
    if (id !== 'clear') return
    const ctx = appContext()
    const kept = KEPT_ON_CLEAR.map((key) => [key, ctx.store.get(key)] as const)
    this._cleared = true
    ctx.clearLocalData()
    for (const [key, value] of kept) if (value !== null) ctx.store.set(key, value)
    this.refresh()
  }

  override _handleBack() {
    Router.back()
  }

  override _getFocused(): Lightning.Component {
    return this.list
  }

  static override _states() {
    return [
      class ConfirmingClear extends this {
        override $enter() {
          this.ClearDialog.open()
        }
        override $exit() {
          this.ClearDialog.close()
        }
        override _getFocused() {
          return this.ClearDialog
        }
        override _handleKey() {
          return true
        }
      },
    ]
  }
}
