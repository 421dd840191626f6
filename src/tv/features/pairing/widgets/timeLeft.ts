/** Whole seconds left until `deadlineMs` (this TV's clock), never negative. */
export function secondsUntil(deadlineMs: number, now = Date.now()): number {
  return Math.max(0, Math.ceil((deadlineMs - now) / 1000))
}

/** Seconds as m:ss ("14:58"), as the phone shows them. */
export function formatTimeLeft(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
}
