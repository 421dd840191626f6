// @vitest-environment jsdom
// Exit at the root goes to the platform and never tears the app down (the SDK's close() left a
// white page): the bridge's exit(), else Tizen, webOS, window.close(); never the SDK's
// platformSettings.onClose (its dev loader's tears the page down).
import { afterEach, describe, expect, it, vi } from 'vitest'

import { closeApp } from '../../../src/tv/platform/closeApp'
import { BrowserPlatformBridge, setPlatformBridge, type PlatformBridge } from '../../../src/tv/platform/PlatformBridge'
import { platformExit } from '../../../src/tv/platform/platformExit'
import { hook } from '../../../src/tv/qa/testHook'

const tick = () => new Promise((r) => setTimeout(r, 0))

afterEach(() => {
  vi.restoreAllMocks()
})

describe('platformExit', () => {
  it('uses Tizen’s application exit, webOS’s platformBack, else window.close()', () => {
    const calls: string[] = []
    const close = () => calls.push('close')
    expect(platformExit({ tizen: { application: { getCurrentApplication: () => ({ exit: () => calls.push('tizen') }) } }, close })).toBe('tizen')
    expect(platformExit({ webOS: { platformBack: () => calls.push('webos') }, close })).toBe('webos')
    expect(platformExit({ close })).toBe('window.close')
    expect(calls).toEqual(['tizen', 'webos', 'close'])
  })

  it('falls through to window.close() when a platform call throws', () => {
    const calls: string[] = []
    const g = {
      tizen: { application: { getCurrentApplication: () => ({ exit: () => { throw new Error('not a Tizen app') } }) } },
      webOS: { platformBack: () => { throw new Error('no luna') } },
      close: () => calls.push('close'),
    }
    expect(platformExit(g)).toBe('window.close')
    expect(calls).toEqual(['close'])
  })
})

describe('closeApp', () => {
  it('calls the bridge’s exit() once and nothing else', async () => {
    const exit = vi.fn()
    const close = vi.spyOn(window, 'close').mockImplementation(() => undefined)
    setPlatformBridge(Object.assign(new BrowserPlatformBridge(), { exit }) as PlatformBridge)
    closeApp()
    await tick()
    expect(exit).toHaveBeenCalledTimes(1)
    expect(close).not.toHaveBeenCalled()
  })

  it('closes the window when the bridge’s exit() fails', async () => {
    const close = vi.spyOn(window, 'close').mockImplementation(() => undefined)
    setPlatformBridge(Object.assign(new BrowserPlatformBridge(), { exit: () => Promise.reject(new Error('denied')) }) as PlatformBridge)
    closeApp()
    await tick()
    await tick()
    expect(close).toHaveBeenCalledTimes(1)
    expect(hook().logs.join('\n')).toMatch(/exit\(\) failed \(denied\)/)
  })

  it('without a bridge exit: the platform’s call, else window.close()', () => {
    setPlatformBridge(new BrowserPlatformBridge())
    const close = vi.spyOn(window, 'close').mockImplementation(() => undefined)
    closeApp()
    expect(close).toHaveBeenCalledTimes(1)
    const back = vi.fn()
    ;(window as unknown as { webOS?: unknown }).webOS = { platformBack: back }
    try {
      closeApp()
    } finally {
      delete (window as unknown as { webOS?: unknown }).webOS
    }
    expect(back).toHaveBeenCalledTimes(1)
    expect(close).toHaveBeenCalledTimes(1)
    expect(hook().logs.slice(-2)).toEqual(['exit: window.close', 'exit: webos'])
  })
})
