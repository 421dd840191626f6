// Valid ES2015 that WebKit 602 (Safari 10, the TV engines of 2016–17) gets wrong, rewritten in
// the legacy build's output to equivalent code it gets right:
//
// - arrow-consequent: an arrow function with an expression body that ends the consequent of a
//   conditional, `a ? b = (u) => f(u) : c`, is a syntax error there ("Unexpected token ':' …
//   following a arrow function statement"): the consequent is put in parentheses.
// - method-name: a class or object method binds its own name in its body, so `loadPolicy()` called
//   inside a method named loadPolicy calls the method, not the outer function: such a method's key
//   becomes computed (`["loadPolicy"]() {}`), which binds nothing.
// - class-name: `var X = class {}` leaves X.name empty (Lightning names states and components
//   from it): the class expression gets the name of the variable it initialises.
// - apply-spread: `f.apply(t, [a, ...rest])` crashes the engine (a segmentation fault when the
//   function is compiled; Lightning's state machine does this on every component): the array
//   becomes `(0, [a, ...rest])`, which its compiler does not take for an apply shortcut.
// - unicode-regex: the `u` flag is refused ("Invalid flag supplied to RegExp constructor"): such a
//   literal is rewritten without it by regexpu-core (Babel's rewriter). A sticky (`y`) literal, or
//   RegExp called with literal flags holding u or y, cannot be rewritten here: the build refuses it.
// - console-method: console methods throw "Type error" when called without `console` as this, so
//   `p.catch(console.error)` loses the error it reports: a console method passed as a value is bound.
// - long-line: a function far into a long line (minified code: 100k+ characters) may be compiled
//   from the wrong place when it first runs ("Can't find variable: v", a name of another
//   function): a line break after every statement, method and function-valued property keeps
//   each line short.
import { parse, type Node } from 'acorn'
import rewritePattern from 'regexpu-core'

export type Fix = 'arrow-consequent' | 'method-name' | 'class-name' | 'apply-spread' | 'unicode-regex' | 'console-method' | 'long-line'

export interface Edit {
  fix: Fix
  start: number
  end: number
  text: string
}

type AnyNode = Node & Record<string, unknown>

function isNode(v: unknown): v is AnyNode {
  return !!v && typeof (v as AnyNode).type === 'string'
}

function children(node: AnyNode): AnyNode[] {
  const out: AnyNode[] = []
  for (const key of Object.keys(node)) {
    const v = node[key]
    if (Array.isArray(v)) {
      for (const c of v) if (isNode(c)) out.push(c)
    } else if (isNode(v)) out.push(v)
  }
  return out
}

/** Whether an arrow function with an expression body ends exactly where `node` ends (parentheses close it). */
function endsInConciseArrow(node: AnyNode): boolean {
  if (node.type === 'ArrowFunctionExpression' && node.expression) return true
  const last = children(node)
    .filter((c) => c.end === node.end)
    .pop()
  return !!last && endsInConciseArrow(last)
}

/** Whether identifier `name` is used in `node` other than as a property name (shadowing is not looked at: the fix is harmless). */
function mentions(node: AnyNode, name: string): boolean {
  const stack: AnyNode[] = [node]
  while (stack.length) {
    const n = stack.pop()!
    if (n.type === 'Identifier' && n.name === name) return true
    for (const key of Object.keys(n)) {
      const v = n[key]
      const isPropertyName = !n.computed && ((n.type === 'MemberExpression' && key === 'property') || ((n.type === 'Property' || n.type === 'MethodDefinition') && key === 'key' && !n.shorthand))
      if (isPropertyName) continue
      if (Array.isArray(v)) stack.push(...v.filter(isNode))
      else if (isNode(v)) stack.push(v)
    }
  }
  return false
}

function isMethod(node: AnyNode): boolean {
  if (node.type === 'MethodDefinition') return node.kind === 'method'
  return node.type === 'Property' && node.method === true
}

/** What WebKit 602 refuses and cannot be rewritten: at `start`, why. */
export interface Refusal {
  start: number
  message: string
}

/** The edits that make `source` (ES2015 script) safe for WebKit 602's parser and scoping, and what cannot be made so. */
export function webkit602Edits(source: string): { edits: Edit[]; refused: Refusal[] } {
  const ast = parse(source, { ecmaVersion: 2015, sourceType: 'script', preserveParens: true }) as unknown as AnyNode
  const edits: Edit[] = []
  const refused: Refusal[] = []
  const stack: AnyNode[] = [ast]
  // Member expressions that are called or written (a console method called as one keeps its this).
  const callees = new Set<AnyNode>()
  // One line break per offset (a block and the statement or method it ends share theirs).
  const lineBreaks = new Set<number>()
  while (stack.length) {
    const node = stack.pop()!
    if (node.type === 'CallExpression' || node.type === 'NewExpression') callees.add(node.callee as AnyNode)
    // Assigned to, not read: left as it is.
    if (node.type === 'AssignmentExpression') callees.add(node.left as AnyNode)
    if (node.type === 'UpdateExpression' || (node.type === 'UnaryExpression' && node.operator === 'delete')) callees.add(node.argument as AnyNode)
    const obj = node.object as AnyNode | undefined
    if (node.type === 'MemberExpression' && !node.computed && obj?.type === 'Identifier' && obj.name === 'console' && !callees.has(node)) {
      edits.push({ fix: 'console-method', start: node.end, end: node.end, text: '.bind(console)' })
    }
    if (node.type === 'ConditionalExpression' && endsInConciseArrow(node.consequent as AnyNode)) {
      const c = node.consequent as AnyNode
      edits.push({ fix: 'arrow-consequent', start: c.start, end: c.start, text: '(' }, { fix: 'arrow-consequent', start: c.end, end: c.end, text: ')' })
    }
    if (isMethod(node) && !node.computed) {
      const key = node.key as AnyNode
      if (key.type === 'Identifier' && mentions(node.value as AnyNode, key.name as string)) {
        edits.push({ fix: 'method-name', start: key.start, end: key.end, text: `[${JSON.stringify(key.name)}]` })
      }
    }
    const named = (target: AnyNode | undefined, value: AnyNode | undefined) => {
      if (target?.type === 'Identifier' && value?.type === 'ClassExpression' && !value.id) {
        const at = value.start + 'class'.length
        edits.push({ fix: 'class-name', start: at, end: at, text: ` ${target.name as string}` })
      }
    }
    if (node.type === 'CallExpression') {
      const callee = node.callee as AnyNode
      const args = node.arguments as AnyNode[]
      const array = args[1]
      const isApply = callee.type === 'MemberExpression' && !callee.computed && (callee.property as AnyNode).name === 'apply'
      if (isApply && args.length === 2 && array.type === 'ArrayExpression' && (array.elements as (AnyNode | null)[]).some((e) => e?.type === 'SpreadElement')) {
        edits.push({ fix: 'apply-spread', start: array.start, end: array.start, text: '(0, ' }, { fix: 'apply-spread', start: array.end, end: array.end, text: ')' })
      }
    }
    const regex = node.regex as { pattern: string; flags: string } | undefined
    if (node.type === 'Literal' && regex && /[uy]/.test(regex.flags)) {
      if (regex.flags.includes('y')) refused.push({ start: node.start, message: `sticky regular expression /${regex.pattern.slice(0, 40)}/${regex.flags}` })
      else edits.push({ fix: 'unicode-regex', start: node.start, end: node.end, text: `/${rewritePattern(regex.pattern, regex.flags, { unicodeFlag: 'transform' })}/${regex.flags.replace('u', '')}` })
    }
    if ((node.type === 'NewExpression' || node.type === 'CallExpression') && (node.callee as AnyNode).type === 'Identifier' && (node.callee as AnyNode).name === 'RegExp') {
      const flags = (node.arguments as AnyNode[])[1]
      if (flags?.type === 'Literal' && typeof flags.value === 'string' && /[uy]/.test(flags.value)) refused.push({ start: node.start, message: `RegExp with flags "${flags.value}"` })
    }
    const isFunction = (v: unknown) => isNode(v) && (v.type === 'FunctionExpression' || v.type === 'ArrowFunctionExpression')
    const endsLine = (/(Statement|Declaration)$/.test(node.type) && node.type !== 'VariableDeclaration') || node.type === 'MethodDefinition' || (node.type === 'Property' && isFunction(node.value))
    // A declaration ends at its `;` only as a statement (not as a for-loop head).
    const declarationStatement = node.type === 'VariableDeclaration' && source[node.end - 1] === ';'
    if ((endsLine || declarationStatement) && source[node.end] !== undefined && !/[\n\r]/.test(source[node.end]) && !lineBreaks.has(node.end)) {
      lineBreaks.add(node.end)
      edits.push({ fix: 'long-line', start: node.end, end: node.end, text: '\n' })
    }
    if (node.type === 'VariableDeclarator') named(node.id as AnyNode, node.init as AnyNode | undefined)
    if (node.type === 'AssignmentExpression' && node.operator === '=') named(node.left as AnyNode, node.right as AnyNode)
    stack.push(...children(node))
  }
  return { edits, refused }
}

/** `source` with the edits applied; `counts` says how many of each fix, `refused` what no edit can fix. */
export function applyWebkit602Fixes(source: string): { code: string; counts: Record<Fix, number>; refused: Refusal[] } {
  const { edits, refused } = webkit602Edits(source)
  const counts: Record<Fix, number> = { 'arrow-consequent': 0, 'method-name': 0, 'class-name': 0, 'apply-spread': 0, 'unicode-regex': 0, 'console-method': 0, 'long-line': 0 }
  // Wrapping fixes come as an opening and a closing edit: count the openings.
  for (const e of edits) if (e.text !== ')') counts[e.fix]++
  // From the end, so that earlier offsets stay valid. At one offset the edit applied first ends up
  // last, and the text there reads: what ends the code before it (a closing parenthesis, a bind),
  // the line break, what opens the code after it, then a replaced name.
  const place = (e: Edit) => (e.end > e.start ? 3 : e.text === ')' || e.fix === 'console-method' ? 0 : e.fix === 'long-line' ? 1 : 2)
  edits.sort((a, b) => b.start - a.start || place(b) - place(a))
  let code = source
  for (const e of edits) code = code.slice(0, e.start) + e.text + code.slice(e.end)
  return { code, counts, refused }
}

/** Line and column (1-based line, 0-based column) of offset `at` in `source`. */
export function position(source: string, at: number): { line: number; column: number } {
  const before = source.slice(0, at).split('\n')
  return { line: before.length, column: before[before.length - 1].length }
}
