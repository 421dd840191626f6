// Per-deployment settings read at start from `config.json` beside index.html (optional), merged
// over the build's appSettings: one dist serves every deployment, each with its own pairing
// service and policy locale, without a rebuild.

/** The file's name, resolved against the page (the boot script requests it ahead). */
export const DEPLOYMENT_CONFIG_FILE = 'config.json'

export type Settings = Record<string, unknown>

export class DeploymentConfigError extends Error {
  constructor(
    readonly code: 'CONFIG_NOT_JSON' | 'CONFIG_NOT_OBJECT' | 'CONFIG_BAD_VALUE',
    /** The key at fault, e.g. `policy.locale`; '' for the whole file. */
    readonly field: string,
    message: string,
  ) {
    super(`${DEPLOYMENT_CONFIG_FILE}${field ? ` ${field}` : ''}: ${message}`)
  }
}

const isObject = (v: unknown): v is Settings => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The keys whose values are checked, with what each must be. */
const CHECKS: Record<string, (v: unknown) => string | null> = {
  pairingServiceUrl: (v) => {
    if (typeof v !== 'string') return 'must be a string, the service’s base URL'
    if (!/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/i.test(v)) return `must be an absolute http(s) URL without query, got ${JSON.stringify(v)}`
    return null
  },
  'policy.locale': (v) => (typeof v === 'string' && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(v) ? null : `must be a BCP 47 tag such as "en-US", got ${JSON.stringify(v)}`),
  'policy.preload': (v) => (typeof v === 'string' && v !== '' ? null : 'must be the path of a compiled policy, e.g. "policy/miitee-privacy-policy.en-US.json"'),
}

function check(value: Settings, prefix = ''): void {
  for (const [key, v] of Object.entries(value)) {
    const field = prefix + key
    const rule = CHECKS[field]
    const problem = rule ? rule(v) : null
    if (problem) throw new DeploymentConfigError('CONFIG_BAD_VALUE', field, problem)
    if (isObject(v)) check(v, `${field}.`)
  }
}

/** The file's text as settings; throws DeploymentConfigError naming the field at fault. */
export function parseDeploymentConfig(text: string): Settings {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    throw new DeploymentConfigError('CONFIG_NOT_JSON', '', `is not JSON (${(e as Error).message})`)
  }
  if (!isObject(json)) throw new DeploymentConfigError('CONFIG_NOT_OBJECT', '', 'must be an object of appSettings keys, e.g. { "pairingServiceUrl": "https://pair.example.com" }')
  check(json)
  return json
}

/** `over` merged into a copy of `base`: objects key by key, anything else replaced. */
export function mergeSettings(base: Settings, over: Settings): Settings {
  const out: Settings = { ...base }
  for (const [key, v] of Object.entries(over)) out[key] = isObject(v) && isObject(out[key]) ? mergeSettings(out[key] as Settings, v) : v
  return out
}
