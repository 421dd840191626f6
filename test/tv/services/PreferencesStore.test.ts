import { describe, expect, it } from 'vitest'
import { MemoryStore } from '../../../src/tv/services/KeyValueStore'
import { DEFAULT_PREFERENCES, PreferencesStore, nextTextSize } from '../../../src/tv/services/PreferencesStore'

describe('PreferencesStore', () => {
  it('defaults to zh-CN and medium text', () => {
    expect(new PreferencesStore(new MemoryStore()).load()).toEqual({ language: 'zh-CN', textSize: 'M' })
  })

  it('round-trips saved preferences', () => {
    const kv = new MemoryStore()
    new PreferencesStore(kv).save({ language: 'en-US', textSize: 'L' })
    expect(new PreferencesStore(kv).load()).toEqual({ language: 'en-US', textSize: 'L' })
  })

  it('ignores unknown or corrupt values field by field', () => {
    const kv = new MemoryStore()
    kv.set('preferences', JSON.stringify({ language: 'fr-FR', textSize: 'L' }))
    expect(new PreferencesStore(kv).load()).toEqual({ language: DEFAULT_PREFERENCES.language, textSize: 'L' })
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
})
