import { describe, expect, it } from 'vitest'
import { warmUpDefaultShader } from '../../../src/tv/lib/shaderWarmup'

const VERTEX_SHADER = 0x8b31
const FRAGMENT_SHADER = 0x8b30
const LINK_STATUS = 0x8b82

/** Records every WebGL call as [name, ...args]; objects it creates are tagged strings. */
function fakeGl(linkOk = true, options: { noProgram?: boolean; nullShader?: number } = {}) {
  const calls: unknown[][] = []
  let shaders = 0
  const gl = {
    VERTEX_SHADER,
    FRAGMENT_SHADER,
    LINK_STATUS,
    createProgram: () => (calls.push(['createProgram']), options.noProgram ? null : 'program'),
    // options.nullShader: the 1-based createShader call that fails (context lost, out of memory).
    createShader: (type: number) => {
      const shader = `shader${++shaders}`
      calls.push(['createShader', type])
      return shaders === options.nullShader ? null : shader
    },
    shaderSource: (s: string, src: string) => calls.push(['shaderSource', s, src]),
    compileShader: (s: string) => calls.push(['compileShader', s]),
    attachShader: (p: string, s: string) => calls.push(['attachShader', p, s]),
    deleteShader: (s: string) => calls.push(['deleteShader', s]),
    linkProgram: (p: string) => calls.push(['linkProgram', p]),
    deleteProgram: (p: string) => calls.push(['deleteProgram', p]),
    getShaderParameter: (...args: unknown[]) => (calls.push(['getShaderParameter', ...args]), true),
    getProgramParameter: (p: string, name: number) => (calls.push(['getProgramParameter', p, name]), name === LINK_STATUS ? linkOk : null),
  }
  return { gl, calls }
}

function fakeStage(
  options: { linkOk?: boolean; compiled?: boolean; gl?: boolean; noProgram?: boolean; nullShader?: number; noCaches?: boolean } = {},
) {
  const { gl, calls } = fakeGl(options.linkOk ?? true, options)
  const program = {
    vertexShaderSource: 'void main() { /* vertex */ }',
    fragmentShaderSource: 'void main() { /* fragment */ }',
    gl: null as unknown,
    _program: (options.compiled ? 'lightnings-own' : null) as unknown,
    // What Lightning caches per program; filled in as if a frame had already used the shader.
    ...(options.noCaches
      ? {}
      : {
          _uniformLocations: new Map<string, unknown>([['uSampler', 'loc0']]),
          _attributeLocations: new Map<string, unknown>([['aVertexPosition', 0]]),
          _currentUniformValues: { resolution: [1920, 1080] } as Record<string, unknown>,
        }),
  }
  const shader = { _program: program, _initialized: true }
  const listeners = new Map<string, (() => void)[]>()
  let renderUpdates = 0
  const ctx = { name: 'core context' }
  const askedWith: unknown[] = []
  const stage = {
    gl: options.gl === false ? undefined : (gl as unknown as WebGLRenderingContext),
    ctx,
    renderer: {
      getDefaultShader: (c: unknown) => {
        askedWith.push(c)
        return shader as never
      },
    },
    once: (event: string, fn: () => void) => listeners.set(event, [...(listeners.get(event) ?? []), fn]),
    forceRenderUpdate: () => {
      renderUpdates++
    },
  }
  const emit = (event: string) => {
    const fns = listeners.get(event) ?? []
    listeners.delete(event)
    for (const fn of fns) fn()
  }
  return { stage, program, shader, calls, emit, ctx, askedWith, listeners, renderUpdates: () => renderUpdates }
}

describe('warmUpDefaultShader', () => {
  it('compiles the vertex then the fragment source, links, and hands the program to Lightning without reading results', () => {
    const s = fakeStage()
    warmUpDefaultShader(s.stage)
    expect(s.askedWith).toEqual([s.ctx])
    expect(s.calls).toEqual([
      ['createProgram'],
      ['createShader', VERTEX_SHADER],
      ['shaderSource', 'shader1', s.program.vertexShaderSource],
      ['compileShader', 'shader1'],
      ['attachShader', 'program', 'shader1'],
      ['deleteShader', 'shader1'],
      ['createShader', FRAGMENT_SHADER],
      ['shaderSource', 'shader2', s.program.fragmentShaderSource],
      ['compileShader', 'shader2'],
      ['attachShader', 'program', 'shader2'],
      ['deleteShader', 'shader2'],
      ['linkProgram', 'program'],
    ])
    expect(s.program._program).toBe('program')
    expect(s.program.gl).toBe(s.stage.gl)
    // Reading a status would wait for the compile: not before the first frame is done.
    expect(s.calls.some(([name]) => name === 'getShaderParameter' || name === 'getProgramParameter')).toBe(false)
    expect([...s.listeners.keys()]).toEqual(['frameEnd'])
  })

  it('keeps the program after the first frame when it linked', () => {
    const s = fakeStage({ linkOk: true })
    warmUpDefaultShader(s.stage)
    s.emit('frameEnd')
    expect(s.calls.at(-1)).toEqual(['getProgramParameter', 'program', LINK_STATUS])
    expect(s.calls.some(([name]) => name === 'deleteProgram')).toBe(false)
    expect(s.program._program).toBe('program')
    expect(s.renderUpdates()).toBe(0)
    expect(s.shader._initialized).toBe(true)
    expect(s.program._uniformLocations?.size).toBe(1)
    expect(s.program._attributeLocations?.size).toBe(1)
    expect(s.program._currentUniformValues).toEqual({ resolution: [1920, 1080] })
  })

  it('deletes a program that failed to link, clears it for Lightning to compile, and asks for a new frame', () => {
    const s = fakeStage({ linkOk: false })
    warmUpDefaultShader(s.stage)
    s.emit('frameEnd')
    expect(s.calls.slice(-2)).toEqual([
      ['getProgramParameter', 'program', LINK_STATUS],
      ['deleteProgram', 'program'],
    ])
    expect(s.program._program).toBeNull()
    expect(s.renderUpdates()).toBe(1)
  })

  it('on a failed link forgets the locations and uniform values cached for the dead program and marks the shader uninitialized', () => {
    const s = fakeStage({ linkOk: false })
    const uniforms = s.program._uniformLocations!
    const attributes = s.program._attributeLocations!
    warmUpDefaultShader(s.stage)
    s.emit('frameEnd')
    // Locations belong to the deleted program; Lightning would reuse them on its own compile.
    expect(uniforms.size).toBe(0)
    expect(attributes.size).toBe(0)
    expect(s.program._currentUniformValues).toEqual({})
    expect(s.shader._initialized).toBe(false)
  })

  it('recovers from a failed link on a program without location caches or forceRenderUpdate', () => {
    const s = fakeStage({ linkOk: false, noCaches: true })
    const { forceRenderUpdate: _, ...stage } = s.stage
    warmUpDefaultShader(stage)
    expect(() => s.emit('frameEnd')).not.toThrow()
    expect(s.calls.at(-1)).toEqual(['deleteProgram', 'program'])
    expect(s.program._program).toBeNull()
    expect(s.shader._initialized).toBe(false)
  })

  it('does nothing when the stage cannot report the end of a frame (no once)', () => {
    const s = fakeStage()
    const { once: _, ...stage } = s.stage
    warmUpDefaultShader(stage)
    // Without a later link check a failed program would stay with Lightning: not started at all.
    expect(s.calls).toEqual([])
    expect(s.program._program).toBeNull()
    expect(s.program.gl).toBeNull()
  })

  it('does nothing more when createProgram returns null', () => {
    const s = fakeStage({ noProgram: true })
    warmUpDefaultShader(s.stage)
    expect(s.calls).toEqual([['createProgram']])
    expect(s.program._program).toBeNull()
    expect(s.listeners.size).toBe(0)
  })

  it('deletes its program and leaves Lightning\'s state alone when the vertex shader cannot be created', () => {
    const s = fakeStage({ nullShader: 1 })
    warmUpDefaultShader(s.stage)
    expect(s.calls).toEqual([['createProgram'], ['createShader', VERTEX_SHADER], ['deleteProgram', 'program']])
    expect(s.program._program).toBeNull()
    expect(s.program.gl).toBeNull()
    expect(s.listeners.size).toBe(0)
  })

  it('deletes its program without linking when the fragment shader cannot be created', () => {
    const s = fakeStage({ nullShader: 2 })
    warmUpDefaultShader(s.stage)
    expect(s.calls.slice(-2)).toEqual([
      ['createShader', FRAGMENT_SHADER],
      ['deleteProgram', 'program'],
    ])
    expect(s.calls.some(([name]) => name === 'linkProgram')).toBe(false)
    expect(s.program._program).toBeNull()
    expect(s.listeners.size).toBe(0)
  })

  it('leaves a program Lightning already compiled alone', () => {
    const s = fakeStage({ compiled: true })
    warmUpDefaultShader(s.stage)
    expect(s.calls).toEqual([])
    expect(s.program._program).toBe('lightnings-own')
    expect(s.program.gl).toBeNull()
    expect(s.listeners.size).toBe(0)
  })

  it('does nothing on a canvas2d stage (no gl)', () => {
    const s = fakeStage({ gl: false })
    warmUpDefaultShader(s.stage)
    expect(s.calls).toEqual([])
    expect(s.program._program).toBeNull()
    expect(s.listeners.size).toBe(0)
  })

  it('does nothing when the renderer has no default shader to offer', () => {
    const { gl, calls } = fakeGl()
    expect(() => warmUpDefaultShader({ gl: gl as unknown as WebGLRenderingContext, renderer: {} })).not.toThrow()
    expect(() => warmUpDefaultShader({ gl: gl as unknown as WebGLRenderingContext })).not.toThrow()
    expect(calls).toEqual([])
  })
})
