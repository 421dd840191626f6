// The service's error type: every failure answers `{ error, message, field? }` with a stable code.
import type { ErrorCode, OAuthErrorCode } from '../core/protocol'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly extra: { field?: string; interval?: number; retryAfter?: number; headers?: Record<string, string> } = {},
  ) {
    super(message)
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
  constructor(
    readonly status: number,
    readonly code: OAuthErrorCode,
    message: string,
    readonly extra: { interval?: number; headers?: Record<string, string> } = {},
  ) {
    super(message)
  }

  body(): { error: string; error_description: string; interval?: number } {
    const b: { error: string; error_description: string; interval?: number } = { error: this.code, error_description: this.message }
    if (this.extra.interval !== undefined) b.interval = this.extra.interval
    return b
  }
}
