import { describe, expect, it } from 'vitest'
import { decisionsText, spelledCode } from '../../../src/tv/features/pairing/pages/pairSpeech'
import { translate, type StringKey } from '../../../src/tv/i18n/strings'

const zh = (key: StringKey) => translate('zh-CN', key)
const en = (key: StringKey) => translate('en-US', key)

describe('pairing speech text', () => {
  it('spells a user code character by character, its halves apart', () => {
    expect(spelledCode('MMLJ-PMVL')).toBe('M M L J, P M V L')
  })

  it('says the recorded answer scope by scope, punctuated in the UI language', () => {
    const decisions = { bluetooth: 'granted', network: 'denied' } as const
    expect(decisionsText(zh, ['bluetooth', 'network'], decisions)).toBe('蓝牙：允许；网络：拒绝')
    expect(decisionsText(en, ['bluetooth', 'network'], decisions)).toBe('Bluetooth: Allow; Network: Deny')
    expect(decisionsText(zh, ['location'], {})).toBe('定位：拒绝')
  })
})
