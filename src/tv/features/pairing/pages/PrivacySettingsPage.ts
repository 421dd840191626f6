import { Lightning, Router } from '@lightningjs/sdk'
import type { Scope, WithdrawalRequest } from '../../../../core/protocol'
import ContextPage, { type PageTemplateSpec } from '../../../pages/ContextPage'
import MenuList from '../../../components/MenuList'
import { appContext } from '../../../services/AppContext'
import { ConsentHistoryStore, type ConsentRecord } from '../services/ConsentHistoryStore'
import type { OutboxEvent } from '../services/ConsentOutbox'
import { randomId } from '../../../platform/PlatformBridge'
import { COLORS, FONT_FAMILY, SAFE } from '../../../theme/screen'
import { pageTemplate } from '../../../theme/pageTemplate'
import { hook, log } from '../../../qa/testHook'
import { PairingApiError } from '../services/PairingApi'
import type { ConsentServices } from '../services/ConsentServices'
import { wrapText } from '../text/wrapText'
import { scopeName } from '../widgets/scopeLabels'

interface PrivacySettingsPageTemplateSpec extends PageTemplateSpec {
  Empty: object
  List: typeof MenuList
  Status: object
  Confirm: { Dim: object; Panel: { Text: object } }
}

/**
 * Privacy settings (#privacy): every consent given from this TV, each withdrawable with OK and a
 * confirmation (withdrawing is as easy as giving, PIPL art. 15). The list is rebuilt from the
 * service's ledger each visit (signed with the device credential), so clearing local data never
 * hides a consent that is still in force. Withdrawals go through the outbox.
 */
export default class PrivacySettingsPage extends ContextPage<PrivacySettingsPageTemplateSpec> {
  static override _template(): Lightning.Component.Template<PrivacySettingsPageTemplateSpec> {
    return pageTemplate(
      {
        Empty: { x: SAFE.x, y: SAFE.y + 120, text: { text: '', fontFace: FONT_FAMILY, fontSize: 32, textColor: COLORS.muted } },
        List: { type: MenuList, x: SAFE.x - 20, y: SAFE.y + 120, w: 1600 },
        Status: { x: SAFE.x, y: SAFE.y + 800, text: { text: '', fontFace: FONT_FAMILY, fontSize: 30, textColor: 0xffffc857 } },
        Confirm: {
          visible: false,
          Dim: { rect: true, w: 1920, h: 1080, color: 0xcc000000 },
          Panel: {
            x: 460,
            y: 380,
            texture: Lightning.Tools.getRoundRect(1000, 300, 16, 0, 0, true, COLORS.panel),
            Text: { x: 60, y: 60, text: { text: '', fontFace: FONT_FAMILY, fontSize: 34, lineHeight: 50, textColor: 0xffffffff, wordWrap: false } },
          },
        },
      },
    )
  }

  readonly list = this.getByRef('List')!
  private readonly Status = this.getByRef('Status')!
  private readonly Confirm = this.getByRef('Confirm')!
  private _records: ConsentRecord[] = []
  private _unsubscribeOutbox: (() => void) | null = null
  private _pendingWithdrawal: string | null = null
  /** Where the list comes from: the service (after it answered), or this TV alone. */
  private _source: 'loading' | 'service' | 'local' = 'local'

  override _active() {
    super._active()
    const services = appContext().consent()
    this._unsubscribeOutbox?.()
    this._unsubscribeOutbox = services ? services.outbox.on((e) => this._onOutbox(e)) : null
    if (services) void this._loadFromService(services)
  }

  private async _loadFromService(services: ConsentServices) {
    this._source = 'loading'
    this.Status.text = appContext().t('privacyLoading')
    this._publish()
    try {
      const list = await services.api.listConsents()
      services.history.mergeFromService(list.consents)
      this._source = 'service'
      if (this.Status.text?.text === appContext().t('privacyLoading')) this.Status.text = ''
    } catch (err) {
      // Unreachable, or an unsigned TV the service will not list: what this TV kept is shown.
      log(`privacy settings: consents not read from the service (${err instanceof PairingApiError ? `${err.status} ${err.code}` : (err as Error).message})`)
      this._source = 'local'
      // A TV without a device credential (dev mode) is never listed: say nothing of an outage then.
      const refused = err instanceof PairingApiError && (err.status === 401 || err.status === 403)
      this.Status.text = refused ? '' : appContext().t('privacyLocalOnly')
    }
    if (this.attached) this.refresh()
  }

  override _inactive() {
    super._inactive()
    this._unsubscribeOutbox?.()
    this._unsubscribeOutbox = null
  }

  override refresh() {
    const ctx = appContext()
    this.tag('Title')!.text = ctx.t('privacyTitle')
    const withdrawable = (ctx.consent()?.history.all() ?? []).some((r) => ConsentHistoryStore.activeScopes(r).length > 0)
    this.tag('Hint')!.text = ctx.t(withdrawable ? 'privacyHint' : 'privacyHintEmpty')
    // Records that granted nothing (kept by an earlier version) are not consents to withdraw.
    this._records = (ctx.consent()?.history.all() ?? []).filter((r) => Object.values(r.decisions).includes('granted'))
    this.tag('Empty')!.text = this._records.length ? '' : ctx.t('privacyEmpty')
    this.list.entries = this._records.map((r) => {
      const active = ConsentHistoryStore.activeScopes(r)
      return {
        id: r.pairingId,
        label: ctx.t('privacyItem', { scopes: this._scopeNames(Object.keys(r.decisions).filter((s) => r.decisions[s as Scope] === 'granted') as Scope[]), phone: r.phoneName, date: r.decidedAt.slice(0, 10), version: r.policyVersion }),
        value: active.length ? undefined : ctx.t('privacyWithdrawn'),
      }
    })
    this._publish()
  }

  private _publish() {
    hook().state = {
      ...hook().state,
      privacy: { source: this._source, records: this._records.map((r) => ({ pairingId: r.pairingId, active: ConsentHistoryStore.activeScopes(r) })) },
    }
  }

  private _scopeNames(scopes: Scope[]): string {
    return scopes.map(scopeName).join(appContext().prefs.language === 'zh-CN' ? '、' : ', ')
  }

  private _selected(): ConsentRecord | undefined {
    return this._records.find((r) => r.pairingId === this.list.selectedId)
  }

  $menuSelected() {
    const r = this._selected()
    if (!r || !ConsentHistoryStore.activeScopes(r).length) return
    const question = appContext().t('privacyWithdrawConfirm', { phone: r.phoneName, scopes: this._scopeNames(ConsentHistoryStore.activeScopes(r)) })
    this.tag('Confirm.Panel.Text')!.text = wrapText(question, 880, 34)
    this._setState('Confirming')
  }

  $menuAdjust() {
    // nothing to adjust
  }

  private _withdraw(r: ConsentRecord) {
    const services = appContext().consent()
    if (!services) return
    const body: WithdrawalRequest = {
      scopes: ConsentHistoryStore.activeScopes(r),
      screen_id: 'tv-privacy-settings',
      app_version: '0.1.0',
      device_time: new Date().toISOString(),
    }
    const key = `w-${randomId(16)}`
    this._pendingWithdrawal = key
    this.Status.text = appContext().t('privacyWithdrawing')
    services.outbox.enqueue({ id: key, kind: 'withdrawal', pairingId: r.pairingId, body, meta: { phoneName: r.phoneName } })
  }

  private _onOutbox(e: OutboxEvent) {
    if (e.entry.id !== this._pendingWithdrawal) return
    const ctx = appContext()
    if (e.type === 'delivered') {
      this.Status.text = ctx.t('privacyWithdrawDone')
      this.refresh()
    } else if (e.type === 'final') {
      this.Status.text = ctx.t('privacyWithdrawFailed', { code: e.code ?? String(e.status) })
    }
  }

  override _handleBack() {
    Router.back()
  }

  override _getFocused(): Lightning.Component {
    return this.list
  }

  static override _states() {
    return [
      class Confirming extends this {
        override $enter() {
          this.Confirm.visible = true
        }
        override $exit() {
          this.Confirm.visible = false
        }
        override _getFocused(): Lightning.Component {
          return this
        }
        override _handleEnter() {
          const r = this._selected()
          this._setState('')
          if (r) this._withdraw(r)
        }
        override _handleBack() {
          this._setState('')
        }
        override _handleKey() {
          return true
        }
      },
    ]
  }
}
