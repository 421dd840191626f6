// The policies this service serves (POLICY_DIR/index.json, served at /policy/): a decision's
// notice must cite one of them, so the ledger never holds a hash nobody can show.
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { PolicyIndexEntry } from '../core/policy'
import type { ServiceConfig } from './config'
import { ApiError } from './errors'

/** Where the compiled policies are: POLICY_DIR, or the policy directory of the built app. */
export function policyDirOf(config: Pick<ServiceConfig, 'policyDir' | 'staticDir'>): string {
  return config.policyDir ?? join(config.staticDir, 'static', 'policy')
}

export interface Notice {
  policy_id: string
  policy_version: string
  locale: string
  policy_sha256: string
}

/** The index as last read; read again when a notice cites a hash it lacks and the file changed. */
export class KnownPolicies {
  private entries: PolicyIndexEntry[] = []
  private readMtime = -1

  constructor(private readonly dir: string) {
    this.reload()
  }

  get count(): number {
    return this.entries.length
  }

  get indexFile(): string {
    return join(this.dir, 'index.json')
  }

  private reload(): void {
    let mtime: number
    try {
      mtime = statSync(this.indexFile).mtimeMs
    } catch {
      this.entries = []
      this.readMtime = -1
      return
    }
    if (mtime === this.readMtime) return
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.indexFile, 'utf8'))
      this.entries = Array.isArray(parsed) ? parsed.filter((e): e is PolicyIndexEntry => !!e && typeof e === 'object' && typeof (e as PolicyIndexEntry).sha256 === 'string') : []
    } catch {
      this.entries = []
    }
    this.readMtime = mtime
  }

  /** 400 `unknown_policy` (with the field at fault) unless the notice names a served policy exactly. */
  check(notice: Notice): void {
    let entry = this.entries.find((e) => e.sha256 === notice.policy_sha256)
    if (!entry) {
      this.reload()
      entry = this.entries.find((e) => e.sha256 === notice.policy_sha256)
    }
    if (!entry)
      throw new ApiError(400, 'unknown_policy', 'This service serves no policy with this SHA-256: the notice must cite a policy from /policy/index.json.', {
        field: '/notice/policy_sha256',
      })
    const mismatch = (
      [
        ['policy_id', entry.id],
        ['policy_version', entry.version],
        ['locale', entry.locale],
      ] as const
    ).find(([k, v]) => notice[k] !== v)
    if (mismatch)
      throw new ApiError(400, 'unknown_policy', `The policy with this SHA-256 has ${mismatch[0]} ${JSON.stringify(mismatch[1])}: the notice must describe it as served.`, {
        field: `/notice/${mismatch[0]}`,
      })
  }
}
