import { Router } from '@lightningjs/sdk'
import type MenuList from '../components/MenuList'
import type { MenuEntry } from '../components/MenuList'
import { appContext } from '../services/AppContext'
import { announceAgain } from '../voice/focusAnnouncer'

/** Menu entries that open the pairing feature; before 同意 it is not even fetched. */
export const PAIRING_ENTRIES = ['pair', 'privacy'] as const

/**
 * Whether the pairing feature may open: once the policy is accepted (nothing leaves the TV
 * before). After 清除本地数据 took the acceptance, the relay started this run stays usable until
 * the app closes, so a consent given can still be withdrawn from 隐私设置.
 */
export function pairingAvailable(): boolean {
  const ctx = appContext()
  return (!!ctx.library && ctx.acceptance.isAccepted(ctx.doc)) || ctx.consent() !== null
}

/** 配对手机 and 隐私设置 as list entries; before 同意 dimmed, with the reason shown in short and said in full. */
export function pairingEntries(): MenuEntry[] {
  const ctx = appContext()
  const available = pairingAvailable()
  const entry = (id: string, label: string): MenuEntry =>
    available ? { id, label } : { id, label, value: ctx.t('menuNeedsConsent'), unavailable: ctx.t('spokenNeedsConsent') }
  return [entry('pair', ctx.t('menuPair')), entry('privacy', ctx.t('menuPrivacy'))]
}

/**
 * OK on a pairing entry: opens it, or (before 同意) says again why it is unavailable and stays.
 * False when `id` is not a pairing entry.
 */
export function openPairingEntry(id: string, list: MenuList): boolean {
  if (!(PAIRING_ENTRIES as readonly string[]).includes(id)) return false
  if (pairingAvailable()) Router.navigate(id)
  else announceAgain(list)
  return true
}
