// @vitest-environment jsdom
// The SDK internals the app relies on (src/tv/sdk/internals.ts): each test fails when an SDK or
// Lightning update renames or changes what the wrapper uses.
import 'vitest-canvas-mock'
import { describe, expect, it, vi } from 'vitest'
import { Launch, Lightning, Router } from '@lightningjs/sdk'
import { compileShaderNow, setRouterHashWriter } from '../../../src/tv/sdk/internals'

describe('setRouterHashWriter', () => {
  it('makes a started Router write the hash of each navigation through the given writer', async () => {
    class Blank extends Lightning.Component {}
    class TinyApp extends Router.App {
      override _setup() {
        Router.startRouter({ root: 'a', routes: [{ path: 'a', component: Blank }, { path: 'b', component: Blank }] } as unknown as Router.Config, this)
      }
    }
    const writer = vi.fn((url: string) => {
      location.hash = url
    })
    setRouterHashWriter(writer)
    Launch(TinyApp, { stage: { canvas2d: true, w: 64, h: 64 } } as never, { fontLoader: () => Promise.resolve() } as never, {})
    await vi.waitFor(() => expect(Router.getActiveHash()).toBe('a'))
    expect(writer).toHaveBeenCalledWith('a')
    Router.navigate('b')
    expect(writer).toHaveBeenLastCalledWith('b')
  })
})

describe('compileShaderNow', () => {
  it('compiles a Lightning WebGL shader once, through the same path its first use takes', () => {
    const WebGLShader = (Lightning as unknown as { shaders: { WebGLDefaultShader: { prototype: object } } }).shaders.WebGLDefaultShader
    const compile = vi.fn()
    const shader = Object.assign(Object.create(WebGLShader.prototype), { _program: { compile }, gl: {} })
    compileShaderNow(shader)
    expect(compile).toHaveBeenCalledTimes(1)
    expect(shader.initialized).toBe(true)
    // Lightning's own first use finds it compiled.
    compileShaderNow(shader)
    expect(compile).toHaveBeenCalledTimes(1)
  })

  it('does nothing for a renderer without shaders to compile', () => {
    expect(() => compileShaderNow(null)).not.toThrow()
    expect(() => compileShaderNow({})).not.toThrow()
  })
})
