// config.json: checked values with a stable code and the field at fault; merged key by key.
import { describe, expect, it } from 'vitest'
import { DeploymentConfigError, mergeSettings, parseDeploymentConfig } from '../../../../src/tv/startup/boot/deploymentConfig'

function fault(text: string): { code: string; field: string; message: string } {
  try {
    parseDeploymentConfig(text)
  } catch (e) {
    expect(e).toBeInstanceOf(DeploymentConfigError)
    const err = e as DeploymentConfigError
    return { code: err.code, field: err.field, message: err.message }
  }
  throw new Error(`accepted: ${text}`)
}

describe('config.json', () => {
  it('takes the deployment keys and any other appSettings key', () => {
    const text = JSON.stringify({ pairingServiceUrl: 'https://pair.example.com/base/', policy: { locale: 'en-US', preload: 'policy/x.en-US.json' }, keys: { '10252': 'PlayPause' } })
    expect(parseDeploymentConfig(text)).toEqual(JSON.parse(text))
    expect(parseDeploymentConfig('{}')).toEqual({})
  })

  it('names the field at fault', () => {
    expect(fault('{ "pairingServiceUrl": "pair.example.com" }')).toMatchObject({ code: 'CONFIG_BAD_VALUE', field: 'pairingServiceUrl' })
    expect(fault('{ "pairingServiceUrl": "https://pair.example.com/?x=1" }').field).toBe('pairingServiceUrl')
    expect(fault('{ "pairingServiceUrl": 8080 }').field).toBe('pairingServiceUrl')
    expect(fault('{ "policy": { "locale": "english" } }')).toMatchObject({ code: 'CONFIG_BAD_VALUE', field: 'policy.locale' })
    expect(fault('{ "policy": { "preload": "" } }').field).toBe('policy.preload')
    expect(fault('{ "policy": ')).toMatchObject({ code: 'CONFIG_NOT_JSON', field: '' })
    expect(fault('["https://pair.example.com"]')).toMatchObject({ code: 'CONFIG_NOT_OBJECT', field: '' })
    expect(fault('{ "policy": { "locale": 1 } }').message).toMatch(/^config\.json policy\.locale: must be a BCP 47 tag/)
  })

  it('merges objects key by key and replaces anything else', () => {
    const base = { policy: { locale: 'zh-CN', preload: 'a.json' }, keys: { '8': 'Back' }, debug: false }
    expect(mergeSettings(base, { policy: { locale: 'en-US' }, debug: true, keys: { '461': 'Back' } })).toEqual({ policy: { locale: 'en-US', preload: 'a.json' }, keys: { '8': 'Back', '461': 'Back' }, debug: true })
    expect(base.policy.locale).toBe('zh-CN')
  })
})
