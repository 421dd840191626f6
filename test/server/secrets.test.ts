// No token, code, credential or raw device id in the logs or in the database files.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEVICE_ID, DEVICE_SECRET, createPairing, decide, decisionBody, qrToken, request, signed, startServer } from './helpers'

describe('secrets', () => {
  it('never reach the logs or the SQLite files', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'miitee-secrets-'))
    const s = await startServer({ dataDir })
    const dbBytes = () => {
      const files = readdirSync(dataDir).filter((f) => f.startsWith('ledger.sqlite'))
      expect(files).toContain('ledger.sqlite')
      return Buffer.concat(files.map((f) => readFileSync(join(dataDir, f)))).toString('latin1')
    }
    let live = ''
    const secrets: string[] = [DEVICE_ID, DEVICE_SECRET]
    try {
      // A pairing through the TV API, claimed by QR...
      const a = await createPairing(s)
      secrets.push(a.tv_token, qrToken(a), a.user_code, a.user_code.replace('-', ''))
      const page = await request(s, 'GET', `/P/${qrToken(a)}`)
      expect(page.status).toBe(200)
      const ca = await request(s, 'POST', '/v1/claims', { body: { qr_token: qrToken(a), phone_name: 'Alice' } })
      secrets.push(ca.json.phone_token)
      await request(s, 'POST', '/v1/claims', { body: { qr_token: qrToken(a), phone_name: 'again' } }) // revokes
      // ...one claimed by user code, decided and withdrawn...
      const b = await createPairing(s)
      secrets.push(b.tv_token, qrToken(b), b.user_code, b.user_code.replace('-', ''))
      const cb = await request(s, 'POST', '/v1/claims', { body: { user_code: b.user_code.toLowerCase(), phone_name: 'Bob' } })
      secrets.push(cb.json.phone_token)
      await request(s, 'GET', `/v1/pairings/${b.pairing_id}?wait=1&after=1`, { token: b.tv_token })
      await request(s, 'POST', `/v1/pairings/${b.pairing_id}/provisioning-request`, { token: cb.json.phone_token, body: { scopes: ['bluetooth', 'location'] } })
      const idem = 'idem-key-3b9f0c7e-secretish'
      secrets.push(idem)
      expect((await decide(s, b, idem, decisionBody({ bluetooth: 'granted', location: 'granted' }))).status).toBe(201)
      const wpath = `/v1/pairings/${b.pairing_id}/withdrawal`
      const wbody = JSON.stringify({ scopes: ['location'], screen_id: 's', app_version: '1', device_time: '2030-01-01T00:00:00Z' })
      const wh = await signed(s, 'POST', wpath, wbody)
      secrets.push(wh['x-miitee-signature'], wh['x-miitee-nonce'])
      expect((await request(s, 'POST', wpath, { raw: wbody, headers: { ...wh, 'idempotency-key': 'w-1' } })).status).toBe(201)
      // ...bad requests that carry secrets in places errors could echo...
      await request(s, 'POST', '/v1/claims', { raw: `{"user_code":"${b.user_code}"`, headers: {} })
      await request(s, 'POST', '/v1/claims', { body: { user_code: b.user_code, phone_name: 'x', nope: a.tv_token } })
      await request(s, 'GET', `/v1/pairings/${a.pairing_id}`, { token: `${a.tv_token}x` })
      await request(s, 'GET', `/link?code=${b.user_code}`)
      // ...and one through the OAuth endpoints.
      const da = await request(s, 'POST', '/oauth/device_authorization', { form: { client_id: DEVICE_ID, client_secret: DEVICE_SECRET } })
      secrets.push(da.json.device_code, da.json.user_code, da.json.user_code.replace('-', ''), String(da.json.verification_uri_complete).split('/P/')[1])
      await request(s, 'POST', '/v1/claims', { body: { user_code: da.json.user_code, phone_name: 'Carol' } })
      const tok = await request(s, 'POST', '/oauth/token', {
        form: { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: da.json.device_code, client_id: DEVICE_ID },
      })
      expect(tok.status).toBe(200)
      secrets.push(tok.json.access_token)
      live = dbBytes() // while running: the main file and the WAL
    } finally {
      await s.close()
    }

    const logs = s.logs.join('')
    expect(s.logs.length).toBeGreaterThan(15)
    expect(logs).toContain('/P/[redacted]')
    expect(logs).toContain('/link?code=[redacted]')
    expect(logs).toContain('"url":"/v1/claims"')
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThanOrEqual(7)
      expect(logs, `log holds ${secret.slice(0, 3)}…`).not.toContain(secret)
      expect(logs.toLowerCase()).not.toContain(secret.toLowerCase())
    }

    const closed = dbBytes() // after the checkpoint at close
    rmSync(dataDir, { recursive: true, force: true })
    for (const bytes of [live, closed]) {
      expect(bytes).toContain('Bob') // the database was read: the requester's name is there
      for (const secret of secrets) expect(bytes.toLowerCase(), `db holds ${secret.slice(0, 3)}…`).not.toContain(secret.toLowerCase())
    }
  })
})
