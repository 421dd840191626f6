import { describe, expect, it, vi } from 'vitest'
import { compileDefaultShader } from '../../../src/tv/startup/shaderWarmUp'

describe('compileDefaultShader', () => {
  it('compiles the renderer\'s default shader once, at once', () => {
    const init = vi.fn()
    const getDefaultShader = vi.fn(() => ({ _init: init }))
    compileDefaultShader({ renderer: { getDefaultShader } })
    expect(getDefaultShader).toHaveBeenCalledTimes(1)
    expect(init).toHaveBeenCalledTimes(1)
  })

  it('does nothing, without throwing, for a renderer without shaders to compile or a stage without renderer', () => {
    expect(() => compileDefaultShader({ renderer: { getDefaultShader: () => ({}) } })).not.toThrow()
    expect(() => compileDefaultShader({ renderer: {} })).not.toThrow()
    expect(() => compileDefaultShader({})).not.toThrow()
  })
})
