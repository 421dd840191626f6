// Errors of the policy compiler: a stable code, the file and the 1-based line at fault, and a
// message an author can act on.

export const POLICY_ERROR_CODES = [
  'POLICY_BAD_FRONT_MATTER',
  'POLICY_BAD_TITLE',
  'POLICY_BAD_SECTION_ATTRS',
  'POLICY_DUPLICATE_SECTION',
  'POLICY_EMPTY_SECTION',
  'POLICY_MISSING_PART',
  'POLICY_CONTENT_OUTSIDE_SECTION',
  'POLICY_UNKNOWN_BLOCK',
  'POLICY_UNCLOSED_TABLE',
  'POLICY_RAGGED_TABLE',
  'POLICY_BAD_TABLE',
  'POLICY_UNCLOSED_FENCE',
  'POLICY_BAD_SDK_ENTRY',
  'POLICY_BAD_LINK',
  'POLICY_EMPTY_BLOCK',
] as const

export type PolicyErrorCode = (typeof POLICY_ERROR_CODES)[number]

export class PolicyCompileError extends Error {
  readonly code: PolicyErrorCode
  readonly file: string
  /** 1-based line of the source file. */
  readonly line: number
  /** The message without the `file:line: ` prefix. */
  readonly reason: string

  constructor(code: PolicyErrorCode, file: string, line: number, reason: string) {
    super(`${file}:${line}: ${reason}`)
    this.name = 'PolicyCompileError'
    this.code = code
    this.file = file
    this.line = line
    this.reason = reason
  }
}

/** The source file as lines (BOM dropped, line ends normalised), and failing at one of them. */
export class PolicySource {
  readonly lines: string[]

  constructor(
    text: string,
    readonly file: string,
  ) {
    this.lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n')
  }

  fail(code: PolicyErrorCode, line: number, reason: string): never {
    throw new PolicyCompileError(code, this.file, line, reason)
  }

  /** 1-based line of the last non-blank line (where a whole-document error points). */
  lastContentLine(): number {
    for (let i = this.lines.length - 1; i >= 0; i--) if (this.lines[i].trim() !== '') return i + 1
    return 1
  }
}
