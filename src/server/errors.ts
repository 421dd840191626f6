// The service's error type: every failure answers `{ error, message, field? }` with a stable code.
import type { ErrorCode, OAuthErrorCode } from '../core/protocol'

export class ApiError extends Error {
  readonly status: number
  readonly code: ErrorCode
  readonly extra: { field?: string; interval?: number; retryAfter?: number; headers?: Record<string, string> }

  constructor(status: number, code: ErrorCode, message: string, extra: ApiError['extra'] = {}) {
    // No stack: these are expected answers (401, 429 slow_down…), frequent, and never need one.
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super(message)
    Error.stackTraceLimit = limit
    this.status = status
    this.code = code
    this.extra = extra
  }

  body(): { error: string; message: string; field?: string; interval?: number } {
    const b: { error: string; message: string; field?: string; interval?: number } = { error: this.code, message: this.message }
    if (this.extra.field !== undefined) b.field = this.extra.field
    if (this.extra.interval !== undefined) b.interval = this.extra.interval
    return b
  }
}

/** OAuth 2.0 error (RFC 6749 §5.2): `{ error, error_description }`. */
export class OAuthError extends Error {
  readonly status: number
  readonly code: OAuthErrorCode
  readonly extra: { interval?: number; headers?: Record<string, string> }

  constructor(status: number, code: OAuthErrorCode, message: string, extra: OAuthError['extra'] = {}) {
    // No stack: these are expected answers (401, 429 slow_down…), frequent, and never need one.
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super(message)
    Error.stackTraceLimit = limit
    this.status = status
    this.code = code
    this.extra = extra
  }

  body(): { error: string; error_description: string; interval?: number } {
    const b: { error: string; error_description: string; interval?: number } = { error: this.code, error_description: this.message }
    if (this.extra.interval !== undefined) b.interval = this.extra.interval
    return b
  }
}
