// Canonical JSON (in the manner of RFC 8785, JCS): object keys sorted by UTF-16 code units,
// no whitespace, strings and numbers serialised as ECMAScript JSON does. The policy hash is the
// SHA-256 of canonicalJson(document without `sha256`), so the compiler, the service and the
// tests all derive the same bytes from the same data. Pure TypeScript: no DOM, no Node API.

/** Thrown for values JSON cannot represent faithfully (NaN, functions, cycles, …). */
export class CanonicalJsonError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CanonicalJsonError'
  }
}

export function canonicalJson(value: unknown): string {
  const out: string[] = []
  write(value, out, [], '$')
  return out.join('')
}

function write(value: unknown, out: string[], stack: object[], path: string): void {
  if (value === null) {
    out.push('null')
    return
  }
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value))
      return
    case 'boolean':
      out.push(value ? 'true' : 'false')
      return
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(`${path}: ${String(value)} has no JSON form`)
      // ECMAScript Number-to-String, as JCS requires; -0 becomes 0.
      out.push(JSON.stringify(value))
      return
    case 'object':
      break
    default:
      throw new CanonicalJsonError(`${path}: a ${typeof value} has no JSON form`)
  }
  const obj = value as object
  if (stack.includes(obj)) throw new CanonicalJsonError(`${path}: circular reference`)
  stack.push(obj)
  if (Array.isArray(obj)) {
    out.push('[')
    for (let i = 0; i < obj.length; i++) {
      if (i > 0) out.push(',')
      const item: unknown = obj[i]
      if (item === undefined) throw new CanonicalJsonError(`${path}[${i}]: undefined in an array`)
      write(item, out, stack, `${path}[${i}]`)
    }
    out.push(']')
  } else {
    const proto = Object.getPrototypeOf(obj)
    if (proto !== Object.prototype && proto !== null) {
      throw new CanonicalJsonError(`${path}: only plain objects are allowed`)
    }
    const record = obj as Record<string, unknown>
    // Keys whose value is undefined are absent, as in JSON.stringify.
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort(compareCodeUnits)
    out.push('{')
    keys.forEach((k, i) => {
      if (i > 0) out.push(',')
      out.push(JSON.stringify(k), ':')
      write(record[k], out, stack, `${path}.${k}`)
    })
    out.push('}')
  }
  stack.pop()
}

/** Order of UTF-16 code units (what JCS specifies; also what Array.prototype.sort does by default). */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
