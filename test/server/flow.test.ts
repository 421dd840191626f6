// The whole pairing flow over real HTTP: TV creates (signed), phone claims, asks for
// provisioning, the TV decides, the phone is told, the TV withdraws; the ledger holds both.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startServer, createPairing, request, qrToken, openSse, decisionBody, decide, type TestServer, claim } from './helpers'

let s: TestServer
beforeEach(async () => {
  s = await startServer()
})
afterEach(async () => {
  await s.close()
})

describe('pairing flow', () => {
  it('creates, claims by QR, requests consent, decides, notifies and withdraws', async () => {
    const created = await createPairing(s, 'Living room TV')
    expect(created.pairing_id).toMatch(/^p_[A-Za-z0-9_-]{22}$/)
    expect(created.qr_url).toMatch(new RegExp(`^HTTP://127\\.0\\.0\\.1:${s.port}/P/[0-9A-HJKMNP-TV-Z]{26}$`))
    expect(created.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/)
    expect(created.verification_uri).toBe(`${s.url}/link`)
    expect(created.verification_uri_complete).toBe(created.qr_url)
    expect(created.tv_token.length).toBeGreaterThanOrEqual(43)
    expect(created.expires_in).toBe(300)
    expect(created.interval).toBe(5)
    expect(Date.parse(created.server_time)).toBe(s.clock.now())

    const tv = await openSse(`${s.url}/v1/pairings/${created.pairing_id}/events`, created.tv_token)
    expect(tv.res.status).toBe(200)
    expect(tv.res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const first = await tv.next()
    expect(first.event).toBe('status')
    expect(JSON.parse(first.data!).status.state).toBe('created')
    expect(tv.retry).toBe(3000)

    // The phone page URL works case-insensitively and shows nothing secret.
    const token = qrToken(created)
    for (const path of [`/P/${token}`, `/p/${token.toLowerCase()}`]) {
      const page = await request(s, 'GET', path)
      expect(page.status).toBe(200)
      expect(page.headers['content-type']).toMatch(/text\/html/)
      expect(page.text).not.toContain(token)
      expect(page.text.toLowerCase()).not.toContain(token.toLowerCase())
      expect(page.text).not.toMatch(/<script/i)
      expect(String(page.headers['content-security-policy'])).not.toContain('unsafe-inline')
    }

    // Claim with the scanned token in lower case (URL paths may come back lower-cased).
    const c = await request(s, 'POST', '/v1/claims', { body: { qr_token: token.toLowerCase(), phone_name: 'Alice’s phone' } })
    expect(c.status).toBe(201)
    expect(c.json).toMatchObject({ pairing_id: created.pairing_id, tv_name: 'Living room TV', user_code: created.user_code, state: 'claimed' })
    const phoneToken = c.json.phone_token as string
    const claimed = await tv.next()
    expect(claimed.event).toBe('claimed')
    expect(JSON.parse(claimed.data!).status.phone).toEqual({ name: 'Alice’s phone' })

    const phone = await openSse(`${s.url}/v1/pairings/${created.pairing_id}/events`, phoneToken)
    expect((await phone.next()).event).toBe('status')

    const pr = await request(s, 'POST', `/v1/pairings/${created.pairing_id}/provisioning-request`, { token: phoneToken, body: { scopes: ['network', 'bluetooth'] } })
    expect(pr.status).toBe(202)
    expect(pr.json.state).toBe('consent_pending')
    expect(pr.json.scopes_requested).toEqual(['bluetooth', 'network'])
    const asked = await tv.next()
    expect(asked.event).toBe('consent_requested')
    expect(JSON.parse(asked.data!).status.scopes_requested).toEqual(['bluetooth', 'network'])

    const d = await decide(s, created, 'decision-1', decisionBody({ bluetooth: 'granted', network: 'denied' }))
    expect(d.status).toBe(201)
    expect(d.json).toMatchObject({ pairing_id: created.pairing_id, state: 'granted', decisions: { bluetooth: 'granted', network: 'denied' } })
    expect(d.json.ledger_hash).toMatch(/^[0-9a-f]{64}$/)
    // The phone hears of it at once.
    let ev = await phone.next()
    while (ev.event !== 'decided') ev = await phone.next()
    expect(JSON.parse(ev.data!).status.decision).toMatchObject({ decisions: { bluetooth: 'granted', network: 'denied' }, receipt_id: d.json.receipt_id })

    const status = await request(s, 'GET', `/v1/pairings/${created.pairing_id}`, { token: phoneToken })
    expect(status.status).toBe(200)
    expect(status.json).toMatchObject({ state: 'granted', phone: { name: 'Alice’s phone' }, tv: { name: 'Living room TV' } })

    const w = await request(s, 'POST', `/v1/pairings/${created.pairing_id}/withdrawal`, {
      token: created.tv_token,
      headers: { 'idempotency-key': 'withdraw-1' },
      body: { screen_id: 'privacy-settings', app_version: '0.1.0', device_time: '2030-01-01T00:10:00Z' },
    })
    expect(w.status).toBe(201)
    expect(w.json).toMatchObject({ refers_to: d.json.receipt_id, withdrawn: ['bluetooth'] })
    ev = await phone.next()
    while (ev.event !== 'withdrawn') ev = await phone.next()
    expect(JSON.parse(ev.data!).status.decision.withdrawn).toEqual(['bluetooth'])

    const again = await request(s, 'POST', `/v1/pairings/${created.pairing_id}/withdrawal`, {
      token: created.tv_token,
      headers: { 'idempotency-key': 'withdraw-2' },
      body: { screen_id: 'privacy-settings', app_version: '0.1.0', device_time: '2030-01-01T00:11:00Z' },
    })
    expect(again.status).toBe(409)
    expect(again.json.error).toBe('nothing_to_withdraw')

    const records = await s.app.ledger.byPairing(created.pairing_id)
    expect(records.map((r) => r.kind)).toEqual(['consent', 'withdrawal'])
    expect(records[0]).toMatchObject({
      receipt_id: d.json.receipt_id,
      collection_method: 'tv-remote',
      screen_id: 'consent-overlay',
      app_version: '0.1.0',
      firmware_version: 'RDK-2024Q4',
      device_time: '2030-01-01T00:00:05.000Z',
      requester: { phone_name: 'Alice’s phone' },
      decisions: { bluetooth: 'granted', network: 'denied' },
      notice: { policy_id: 'miitee-privacy-policy', policy_version: '2024-02-29', locale: 'zh-CN' },
      prev_hash: '0'.repeat(64),
    })
    expect(records[0].subject.device_id_hash).not.toContain('tv-0001')
    expect(records[1]).toMatchObject({ refers_to: records[0].receipt_id, prev_hash: records[0].hash, decisions: { bluetooth: 'withdrawn' } })
    expect((await s.app.ledger.verify()).ok).toBe(true)
    tv.close()
    phone.close()
  })

  it('claims by the user code typed in any case with dashes or spaces', async () => {
    const created = await createPairing(s)
    const typed = created.user_code.toLowerCase().replace('-', ' - ')
    const c = await request(s, 'POST', '/v1/claims', { body: { user_code: typed, phone_name: 'Bob' } })
    expect(c.status).toBe(201)
    expect(c.json.user_code).toBe(created.user_code)
    expect(c.json.tv_name).toBe('Living room TV')
    // the same code again: already claimed
    const again = await request(s, 'POST', '/v1/claims', { body: { user_code: created.user_code, phone_name: 'Eve' } })
    expect(again.status).toBe(409)
    expect(again.json.error).toBe('already_claimed')
  })

  it('lets the device withdraw with its credential once the TV token is gone', async () => {
    const created = await createPairing(s)
    const c = await claim(s, created)
    await request(s, 'POST', `/v1/pairings/${created.pairing_id}/provisioning-request`, { token: c.phone_token, body: { scopes: ['location'] } })
    expect((await decide(s, created, 'k1', decisionBody({ location: 'granted' }))).status).toBe(201)
    const { signed } = await import('./helpers')
    const body = JSON.stringify({ scopes: ['location'], screen_id: 'privacy-settings', app_version: '0.1.0', device_time: '2030-01-02T00:00:00Z' })
    const path = `/v1/pairings/${created.pairing_id}/withdrawal`
    const other = await request(s, 'POST', path, {
      raw: body,
      headers: { ...(await signed(s, 'POST', path, body, { deviceId: 'tv-0002', secret: 'another-secret-of-tv-0002' })), 'idempotency-key': 'w1' },
    })
    expect(other.status).toBe(401)
    const ok = await request(s, 'POST', path, { raw: body, headers: { ...(await signed(s, 'POST', path, body)), 'idempotency-key': 'w1' } })
    expect(ok.status).toBe(201)
    expect(ok.json.withdrawn).toEqual(['location'])
  })

  it('serves the OpenAPI document, the OAuth metadata and security headers everywhere', async () => {
    const doc = await request(s, 'GET', '/openapi.json')
    expect(doc.status).toBe(200)
    expect(doc.json.openapi).toBe('3.1.0')
    for (const p of ['/v1/pairings', '/v1/pairings/{pairing_id}', '/v1/pairings/{pairing_id}/events', '/v1/claims', '/v1/pairings/{pairing_id}/decision', '/v1/pairings/{pairing_id}/withdrawal', '/oauth/token', '/oauth/device_authorization'])
      expect(Object.keys(doc.json.paths)).toContain(p)
    expect(doc.json.paths['/v1/pairings/{pairing_id}/decision'].post.requestBody.content['application/json'].schema.additionalProperties).toBe(false)

    const health = await request(s, 'GET', '/healthz')
    expect(health.json).toEqual({ ok: true })
    const meta = await request(s, 'GET', '/.well-known/oauth-authorization-server')
    expect(meta.json).toMatchObject({
      issuer: `${s.url}/`,
      device_authorization_endpoint: `${s.url}/oauth/device_authorization`,
      token_endpoint: `${s.url}/oauth/token`,
      grant_types_supported: ['urn:ietf:params:oauth:grant-type:device_code'],
    })
    for (const r of [doc, meta, await request(s, 'GET', '/nowhere'), await request(s, 'GET', '/'), await request(s, 'GET', '/v1/pairings/p_AAAAAAAAAAAAAAAAAAAAAA')]) {
      expect(r.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'")
      expect(r.headers['x-content-type-options']).toBe('nosniff')
      expect(r.headers['x-frame-options']).toBe('DENY')
      expect(r.headers['referrer-policy']).toBe('no-referrer')
      expect(r.headers['cache-control']).toBe('no-store')
      expect(r.headers['strict-transport-security']).toBeUndefined() // served over http
    }
    const page = await request(s, 'GET', '/link')
    expect(page.headers['content-security-policy']).toContain("default-src 'self'")
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'")
    expect(page.headers['content-security-policy']).not.toContain('unsafe')
    expect(page.headers['x-content-type-options']).toBe('nosniff')
    expect(page.headers['cross-origin-opener-policy']).toBe('same-origin')
    expect(page.headers['cache-control']).toBe('no-store')
    const root = await request(s, 'GET', '/')
    expect(root.status).toBe(503)
    expect(root.json.error).toBe('app_not_built')
    expect(root.json.message).toContain('npm run build')
    // This harness serves a policy index of its own (POLICY_DIR): a service without one says so.
    const bare = await startServer({ config: { policyDir: null } })
    try {
      const policy = await request(bare, 'GET', '/policy/model.json')
      expect(policy.status).toBe(404)
      expect(policy.json.error).toBe('policy_not_built')
    } finally {
      await bare.close()
    }
  })

  it('serves the built TV app and policy model from the same origin', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs')
    const { join } = await import('node:path')
    const dir = join(s.dataDir, 'build')
    mkdirSync(join(dir, 'static', 'policy'), { recursive: true })
    writeFileSync(join(dir, 'index.html'), '<!DOCTYPE html><title>tv</title><script src="./startApp.js"></script>')
    writeFileSync(join(dir, 'static', 'policy', 'policy.json'), '{"id":"p"}')
    mkdirSync(join(dir, 'phone'))
    writeFileSync(join(dir, 'phone', 'index.html'), '<!DOCTYPE html><link rel="stylesheet" href="__ASSETS__/app.css"><script src="__ASSETS__/app.js" defer></script>')
    writeFileSync(join(dir, 'phone', 'app.js'), 'void 0')
    const t = await startServer({ config: { staticDir: dir, policyDir: null } })
    try {
      const root = await request(t, 'GET', '/')
      expect(root.status).toBe(200)
      expect(root.text).toContain('startApp.js')
      // Lightning 2 builds templates with new Function: the TV app may eval, never inline
      expect(root.headers['content-security-policy']).toContain("script-src 'self' 'unsafe-eval'")
      expect(root.headers['content-security-policy']).not.toContain('unsafe-inline')
      expect(root.headers['cache-control']).not.toBe('no-store')
      const pol = await request(t, 'GET', '/policy/policy.json')
      expect(pol.status).toBe(200)
      expect(JSON.parse(pol.text)).toEqual({ id: 'p' })
      // the built phone page, its assets found relative to each route
      const qr = await request(t, 'GET', `/P/${'A'.repeat(26)}`)
      expect(qr.text).toContain('src="../phone/app.js"')
      expect(qr.text).not.toContain('A'.repeat(26))
      expect(qr.headers['cache-control']).toBe('no-store')
      expect(qr.headers['content-security-policy']).toContain("script-src 'self';")
      expect(qr.headers['content-security-policy']).not.toContain('unsafe')
      expect((await request(t, 'GET', '/link')).text).toContain('href="phone/app.css"')
      const js = await request(t, 'GET', '/phone/app.js')
      expect(js.status).toBe(200)
      expect(js.text).toBe('void 0')
      const api = await request(t, 'GET', '/v1/nothing')
      expect(api.status).toBe(404)
      expect(api.json.error).toBe('not_found')
    } finally {
      await t.close()
    }
  })
})
