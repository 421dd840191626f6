import { describe, expect, it } from 'vitest'
import { SseParser } from '../../src/phone/sse'

describe('event stream parser', () => {
  it('reads the service’s frames: retry hint, id, event, data, heartbeats', () => {
    const p = new SseParser()
    const evs = p.feed('retry: 3000\n\nid: 1\nevent: status\ndata: {"type":"status"}\n\n: hb\n\nid: 2\nevent: claimed\ndata: {"type":"claimed"}\n\n')
    expect(p.retryMs).toBe(3000)
    expect(p.comments).toBe(1)
    expect(evs).toEqual([
      { event: 'status', data: '{"type":"status"}', lastEventId: '1' },
      { event: 'claimed', data: '{"type":"claimed"}', lastEventId: '2' },
    ])
    expect(p.lastEventId).toBe('2')
  })

  it('keeps partial lines and events across chunks, whatever the split', () => {
    const text = 'id: 7\r\nevent: decided\r\ndata: line one\r\ndata: line two\r\n\r\n'
    for (let cut = 1; cut < text.length; cut++) {
      const p = new SseParser()
      const evs = [...p.feed(text.slice(0, cut)), ...p.feed(text.slice(cut))]
      expect(evs, `cut at ${cut}`).toEqual([{ event: 'decided', data: 'line one\nline two', lastEventId: '7' }])
    }
  })

  it('accepts CR-only line ends and a field without a space after the colon', () => {
    const p = new SseParser()
    expect(p.feed('event:x\rdata:y\r\r')).toEqual([{ event: 'x', data: 'y', lastEventId: '' }])
  })

  it('an event without a type is a "message"; one without data is dropped; an unfinished one waits', () => {
    const p = new SseParser()
    expect(p.feed('data: a\n\nevent: nothing\n\ndata: b\n')).toEqual([{ event: 'message', data: 'a', lastEventId: '' }])
    expect(p.feed('\n')).toEqual([{ event: 'message', data: 'b', lastEventId: '' }])
  })

  it('ignores unknown fields and a bad retry value; the id carries over to later events', () => {
    const p = new SseParser()
    const evs = p.feed('id: 5\nfoo: bar\nretry: soon\ndata: 1\n\ndata: 2\n\n')
    expect(p.retryMs).toBeUndefined()
    expect(evs.map((e) => e.lastEventId)).toEqual(['5', '5'])
  })
})
