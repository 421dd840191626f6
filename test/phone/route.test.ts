import { describe, expect, it } from 'vitest'
import { parseRoute } from '../../src/phone/route'

const TOKEN = '0123456789ABCDEFGHJKMNPQRS'

describe('page route', () => {
  it('QR link: /P/<token>, case-insensitive, Crockford aliases folded', () => {
    expect(parseRoute(`/P/${TOKEN}`, '')).toEqual({ kind: 'qr', token: TOKEN, prefix: '' })
    expect(parseRoute(`/p/${TOKEN.toLowerCase()}`, '')).toEqual({ kind: 'qr', token: TOKEN, prefix: '' })
    expect(parseRoute(`/P/O123456789ABCDEFGHJKMNPQRS`, '')).toMatchObject({ kind: 'qr', token: TOKEN })
    expect(parseRoute(`/P/${TOKEN}/`, '')).toMatchObject({ kind: 'qr', token: TOKEN })
  })

  it('keeps the path prefix of a service behind a reverse proxy', () => {
    expect(parseRoute(`/miitee/P/${TOKEN}`, '')).toEqual({ kind: 'qr', token: TOKEN, prefix: '/miitee' })
    expect(parseRoute('/a/b/link', '?code=wdjb-mjht')).toEqual({ kind: 'link', code: 'wdjb-mjht', prefix: '/a/b' })
  })

  it('a damaged token is a bad link, not a crash', () => {
    expect(parseRoute('/P/SHORT', '')).toEqual({ kind: 'bad-qr', prefix: '' })
    expect(parseRoute('/P/%E0%A4%A', '')).toEqual({ kind: 'bad-qr', prefix: '' })
    expect(parseRoute(`/P/${TOKEN.slice(0, 25)}U`, '')).toEqual({ kind: 'bad-qr', prefix: '' })
  })

  it('typed entry: /link with an optional code', () => {
    expect(parseRoute('/link', '')).toEqual({ kind: 'link', code: '', prefix: '' })
    expect(parseRoute('/link', '?code=WDJB-MJHT')).toEqual({ kind: 'link', code: 'WDJB-MJHT', prefix: '' })
    expect(parseRoute('/LINK', '?code=' + 'x'.repeat(100))).toMatchObject({ kind: 'link', code: 'x'.repeat(32) })
  })
})
