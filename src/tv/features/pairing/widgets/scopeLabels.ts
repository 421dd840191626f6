import type { Scope } from '../../../../core/protocol'
import { appContext } from '../../../services/AppContext'
import type { StringKey } from '../../../i18n/strings'

/** Each scope's line in the consent overlay: what the phone may do with it. */
export const SCOPE_LABEL: Record<Scope, StringKey> = { bluetooth: 'scopeBluetooth', network: 'scopeNetwork', location: 'scopeLocation' }

/** A scope's short name in the UI language ("蓝牙", "Bluetooth"): its line up to the colon. */
export function scopeName(scope: Scope): string {
  return appContext().t(SCOPE_LABEL[scope]).split(/[:：]/)[0]
}
