import type { Scope } from '../../../../core/protocol'
import type { StringKey } from '../../../i18n/strings'

/** Each scope's line in the consent overlay: what the phone may do with it. */
export const SCOPE_LABEL: Record<Scope, StringKey> = { bluetooth: 'scopeBluetooth', network: 'scopeNetwork', location: 'scopeLocation' }
