// The rewrite of valid ES2015 that WebKit 602 gets wrong (tools/legacy-webkit602.ts): each fix
// on a small input, the output still ES2015 and doing the same thing.
import { parse } from 'acorn'
import { describe, expect, it } from 'vitest'
import { applyWebkit602Fixes, position } from '../../tools/legacy-webkit602'

const fix = (source: string) => applyWebkit602Fixes(source)
const run = (code: string): unknown => new Function(`${code}; return out`)()
const parsesAs2015 = (code: string) => parse(code, { ecmaVersion: 2015, sourceType: 'script' })

describe('tools/legacy-webkit602', () => {
  it('puts a concise arrow ending a conditional’s consequent in parentheses', () => {
    const r = fix('var f; var out = true ? f = (u) => u + 1 : 0; out = f(1);')
    expect(r.code).toContain('? (f = (u) => u + 1) :')
    expect(r.counts['arrow-consequent']).toBe(1)
    expect(run(r.code)).toBe(2)
  })

  it('makes a method that mentions its own name computed, so the name inside means the outer function', () => {
    const r = fix('function load() { return 7 } var o = { load() { return load() } }; var out = o.load();')
    expect(r.code).toContain('["load"]()')
    expect(run(r.code)).toBe(7)
  })

  it('names a class expression after its variable, unnamed classes get an empty name there', () => {
    const r = fix('var Gate = class { }; var out = Gate.name;')
    expect(r.code).toContain('class Gate')
    expect(run(r.code)).toBe('Gate')
  })

  it('hides an array with a spread from apply, which crashes the engine', () => {
    const r = fix('function f() { return arguments.length } var rest = [2, 3]; var out = f.apply(null, [1, ...rest]);')
    expect(r.code).toContain('f.apply(null, (0, [1, ...rest]))')
    expect(run(r.code)).toBe(3)
  })

  it('rewrites a u-flag regular expression without the flag, and refuses a sticky one', () => {
    const r = fix('var out = /\\u{1F600}/u.test("\\u{1F600}");')
    expect(r.code).not.toMatch(/\/u\./)
    expect(r.counts['unicode-regex']).toBe(1)
    expect(run(r.code)).toBe(true)
    const sticky = fix('var a = 1;\nvar out = /a/y;')
    expect(sticky.refused).toHaveLength(1)
    expect(position('var a = 1;\nvar out = /a/y;', sticky.refused[0].start)).toEqual({ line: 2, column: 10 })
  })

  it('binds a console method passed as a value', () => {
    const r = fix('var out = [1].map(console.log).length; console.log("called, not bound");')
    expect(r.code).toContain('map(console.log.bind(console))')
    expect(r.code).toContain('console.log("called, not bound")')
    expect(r.counts['console-method']).toBe(1)
  })

  it('breaks a long line after every statement and method, also where a method is renamed', () => {
    const source = 'function row() { return 1 }class Q{a(){this.x=1}row(){return row()}}var out=new Q().row();for(let i=0;i<2;i++){out+=i}'
    const r = fix(source)
    expect(r.code).toContain('}\n["row"](){')
    expect(r.code).toContain('for(let i=0;i<2;i++)')
    expect(r.counts['long-line']).toBeGreaterThan(3)
    expect(() => parsesAs2015(r.code)).not.toThrow()
    expect(run(r.code)).toBe(2)
    expect(Math.max(...r.code.split('\n').map((l) => l.length))).toBeLessThan(source.length / 2)
  })

  it('leaves code that needs nothing as it is', () => {
    const source = 'var a = 1;\nvar out = a + 1;\n'
    expect(fix(source).code).toBe(source)
  })
})
