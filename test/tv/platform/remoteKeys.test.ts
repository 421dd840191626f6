// Tizen delivers Channel ±, the colour keys and MediaPlayPause to a web app only after
// tizen.tvinputdevice.registerKey; other engines have no tizen object and need nothing.
import { describe, expect, it } from 'vitest'
import { EXTRA_REMOTE_KEYS, registerRemoteKeys } from '../../../src/tv/platform/remoteKeys'

function tizen(opts: { supported?: string[]; refuses?: string[] } = {}) {
  const registered: string[] = []
  const tvinputdevice = {
    getSupportedKeys: opts.supported ? () => opts.supported!.map((name, code) => ({ name, code })) : undefined,
    registerKey(name: string) {
      if (opts.refuses?.includes(name)) throw new Error('NotSupportedError')
      registered.push(name)
    },
  }
  return { g: { tizen: { tvinputdevice } }, registered }
}

describe('registerRemoteKeys', () => {
  it('registers Channel ±, the four colour keys and MediaPlayPause on Tizen', () => {
    const t = tizen()
    expect(registerRemoteKeys(t.g)).toEqual(['ChannelUp', 'ChannelDown', 'ColorF0Red', 'ColorF1Green', 'ColorF2Yellow', 'ColorF3Blue', 'MediaPlayPause'])
    expect(t.registered).toEqual([...EXTRA_REMOTE_KEYS])
  })

  it('registers only what the remote lists, and skips a key the TV refuses', () => {
    const t = tizen({ supported: ['ChannelUp', 'ChannelDown', 'MediaPlayPause', 'VolumeUp'], refuses: ['ChannelDown'] })
    expect(registerRemoteKeys(t.g)).toEqual(['ChannelUp', 'MediaPlayPause'])
  })

  it('does nothing where tizen or its input device is absent', () => {
    expect(registerRemoteKeys({})).toEqual([])
    expect(registerRemoteKeys({ tizen: {} })).toEqual([])
  })

  it('registers every key when the supported list cannot be read', () => {
    const t = tizen()
    const g = { tizen: { tvinputdevice: { ...t.g.tizen.tvinputdevice, getSupportedKeys: () => { throw new Error('SecurityError') } } } }
    expect(registerRemoteKeys(g)).toHaveLength(EXTRA_REMOTE_KEYS.length)
  })
})
