import { describe, expect, it } from 'vitest'
import { decisionsText, sayCountdownMoment, spelledCode } from '../../../src/tv/features/pairing/pages/pairSpeech'
import { translate, type StringKey } from '../../../src/tv/i18n/strings'
import { voiceGuide, type Utterance } from '../../../src/tv/voice/VoiceGuide'

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

describe('countdown moments', () => {
  it('a countdown ticking every second is said only as it crosses 60, 30 and 10 seconds left, each once', async () => {
    const said: string[] = []
    const guide = voiceGuide()
    guide.setOutput({ speak: (u: Utterance) => (said.push(u.text), Promise.resolve()), cancel: () => {} })
    guide.enabled = true
    try {
      let previous: number | null = null
      for (let left = 75; left >= 0; left--) {
        previous = sayCountdownMoment(previous, left, () => ({ text: `剩余 ${left} 秒`, lang: 'zh-CN' }))
        await new Promise((r) => setTimeout(r, 1))
      }
      await new Promise((r) => setTimeout(r, 10))
      expect(said).toEqual(['剩余 60 秒', '剩余 30 秒', '剩余 10 秒'])
      // A jump past a moment (a tick missed) still says it, with the time then left.
      said.length = 0
      sayCountdownMoment(35, 27, () => ({ text: '剩余 27 秒', lang: 'zh-CN' }))
      await new Promise((r) => setTimeout(r, 10))
      expect(said).toEqual(['剩余 27 秒'])
    } finally {
      guide.enabled = false
      guide.setOutput(null)
    }
  })
})
