import { describe, expect, it } from 'vitest'
import { MemoryStore } from '../../../src/tv/services/KeyValueStore'
import { DEFAULT_PREFERENCES, PreferencesStore, nextSpeechRate, nextTextSize } from '../../../src/tv/services/PreferencesStore'

describe('PreferencesStore', () => {
  it('defaults to zh-CN, medium text, normal speech rate and no voice guidance choice (the platform decides)', () => {
    expect(new PreferencesStore(new MemoryStore()).load()).toEqual({ language: 'zh-CN', textSize: 'M', speechRate: 1 })
  })

  it('round-trips saved preferences', () => {
    const kv = new MemoryStore()
    new PreferencesStore(kv).save({ language: 'en-US', textSize: 'L', voiceGuidance: 'off', speechRate: 1.3 })
    expect(new PreferencesStore(kv).load()).toEqual({ language: 'en-US', textSize: 'L', voiceGuidance: 'off', speechRate: 1.3 })
  })

  it('ignores unknown or corrupt values field by field', () => {
    const kv = new MemoryStore()
    kv.set('preferences', JSON.stringify({ language: 'fr-FR', textSize: 'L', voiceGuidance: 'loud', speechRate: 9 }))
    expect(new PreferencesStore(kv).load()).toEqual({ language: DEFAULT_PREFERENCES.language, textSize: 'L', speechRate: 1 })
    kv.set('preferences', '{not json')
    expect(new PreferencesStore(kv).load()).toEqual(DEFAULT_PREFERENCES)
  })

  it('steps text size within S..L', () => {
    expect(nextTextSize('S', 1)).toBe('M')
    expect(nextTextSize('M', 1)).toBe('L')
    expect(nextTextSize('L', 1)).toBe('L')
    expect(nextTextSize('S', -1)).toBe('S')
    expect(nextTextSize('L', -1)).toBe('M')
  })

  it('steps the speech rate within slow..fast, or round when OK cycles it', () => {
    expect(nextSpeechRate(1, 1)).toBe(1.3)
    expect(nextSpeechRate(1.3, 1)).toBe(1.3)
    expect(nextSpeechRate(0.8, -1)).toBe(0.8)
    expect(nextSpeechRate(1.3, 1, true)).toBe(0.8)
    expect(nextSpeechRate(0.8, -1, true)).toBe(1.3)
  })
})
