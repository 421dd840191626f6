import { describe, expect, it } from 'vitest'
import { findLinks, linksOf } from '../../src/core/policy/links'

describe('findLinks', () => {
  it('ends a URL or address at the first character that cannot belong to it', () => {
    expect(linksOf('您可以向我们开通的miitee@coocaa.com客服邮箱发送邮件')).toEqual([
      { kind: 'email', text: 'miitee@coocaa.com', href: 'mailto:miitee@coocaa.com' },
    ])
    expect(linksOf('隐私协议地址:https://x5.tencent.com/tbs/policy.html。下一句')).toEqual([
      { kind: 'url', text: 'https://x5.tencent.com/tbs/policy.html', href: 'https://x5.tencent.com/tbs/policy.html' },
    ])
    expect(linksOf('见https://e.com/a,或https://e.com/b;以及https://e.com/c').map((l) => l.href)).toEqual([
      'https://e.com/a',
      'https://e.com/b',
      'https://e.com/c',
    ])
  })

  it('keeps query strings and balanced parentheses, drops trailing punctuation', () => {
    expect(linksOf('https://weixin.qq.com/cgi-bin/readtemplate?lang=zh_CN&t=weixin_agreement&s=privacy')[0].href).toBe(
      'https://weixin.qq.com/cgi-bin/readtemplate?lang=zh_CN&t=weixin_agreement&s=privacy',
    )
    expect(linksOf('(见https://e.com/x)').map((l) => l.href)).toEqual(['https://e.com/x'])
    expect(linksOf('https://en.wikipedia.org/wiki/A_(b).').map((l) => l.href)).toEqual(['https://en.wikipedia.org/wiki/A_(b)'])
    expect(linksOf('http://wiki.connect.qq.com/')[0].href).toBe('http://wiki.connect.qq.com/')
  })

  it('does not take the user part of a URL for an e-mail address, and orders by position', () => {
    const found = findLinks('写信至a@b.cn或访问https://u:p@e.com/x')
    expect(found.map((l) => [l.kind, l.text, l.index])).toEqual([
      ['email', 'a@b.cn', 3],
      ['url', 'https://u:p@e.com/x', 12],
    ])
  })

  it('finds nothing in plain text', () => {
    expect(linksOf('10miitee事业部(收);邮编:518108。android.permission.INTERNET')).toEqual([])
    expect(linksOf('https://')).toEqual([])
  })
})
