// Signed checkpoints of the ledger: the record count and head hash at a moment, under an HMAC
// of the ledger key, kept where the ledger's own writer cannot quietly change them (a file
// beside the SQLite database; an insert-only table on PostgreSQL). A truncated tail or a
// rewritten, re-chained history no longer matches them.
import { createHmac } from 'node:crypto'
import { appendFileSync, closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs'
import { safeEqual } from '../crypto'

export interface Checkpoint {
  /** Records in the ledger (the head's seq). */
  count: number
  head_hash: string
  /** RFC 3339, when it was written. */
  at: string
  /** HMAC-SHA256 under the ledger key of the three fields above. */
  mac: string
}

function checkpointMac(key: Buffer, count: number, headHash: string, at: string): string {
  return createHmac('sha256', key).update(`miitee-ledger-checkpoint\0${count}\0${headHash}\0${at}`).digest('hex')
}

export function signCheckpoint(key: Buffer, count: number, headHash: string, at = new Date().toISOString()): Checkpoint {
  return { count, head_hash: headHash, at, mac: checkpointMac(key, count, headHash, at) }
}

export function checkpointSigned(key: Buffer, c: Checkpoint): boolean {
  return safeEqual(checkpointMac(key, c.count, c.head_hash, c.at), c.mac)
}

/** A checkpoint from stored fields, or null when they are not one. */
export function asCheckpoint(v: unknown): Checkpoint | null {
  if (!v || typeof v !== 'object') return null
  const c = v as Record<string, unknown>
  const count = typeof c.count === 'string' && /^\d+$/.test(c.count) ? Number(c.count) : c.count
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1) return null
  if (typeof c.head_hash !== 'string' || typeof c.at !== 'string' || typeof c.mac !== 'string') return null
  return { count, head_hash: c.head_hash, at: c.at, mac: c.mac }
}

export interface CheckpointLog {
  checkpoints: Checkpoint[]
  /** Line numbers (from 1) that hold no checkpoint. */
  unreadable: number[]
}

/**
 * The checkpoint file beside a SQLite ledger: one JSON line per committed group, appended
 * (O_APPEND) after the commit. A torn last line (a crash mid-write) is not a checkpoint and not
 * a problem either.
 */
export class CheckpointFile {
  constructor(readonly path: string) {}

  append(c: Checkpoint): void {
    appendFileSync(this.path, `${JSON.stringify(c)}\n`, { mode: 0o600 })
  }

  exists(): boolean {
    return existsSync(this.path)
  }

  read(): CheckpointLog {
    if (!this.exists()) return { checkpoints: [], unreadable: [] }
    const lines = readFileSync(this.path, 'utf8').split('\n')
    lines.pop() // '' after the last newline, or a line cut short
    const out: CheckpointLog = { checkpoints: [], unreadable: [] }
    lines.forEach((line, i) => {
      const c = parse(line)
      if (c) out.checkpoints.push(c)
      else out.unreadable.push(i + 1)
    })
    return out
  }

  /** The last whole checkpoint of the file, read from its end. */
  latest(): Checkpoint | null {
    if (!this.exists()) return null
    const fd = openSync(this.path, 'r')
    try {
      const size = fstatSync(fd).size
      const len = Math.min(size, 64 * 1024)
      const buf = Buffer.alloc(len)
      readSync(fd, buf, 0, len, size - len)
      const lines = buf.toString('utf8').split('\n')
      lines.pop()
      for (let i = lines.length - 1; i >= 0; i--) {
        const c = parse(lines[i])
        if (c) return c
      }
      return null
    } finally {
      closeSync(fd)
    }
  }
}

function parse(line: string): Checkpoint | null {
  try {
    return asCheckpoint(JSON.parse(line))
  } catch {
    return null
  }
}
