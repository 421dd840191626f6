import { describe, expect, it } from 'vitest'
import { VoiceGuide, type SpeechOutput, type Utterance } from '../../../src/tv/voice/VoiceGuide'

/** An output that finishes an utterance only when the test says so, recording what it was given. */
class FakeOutput implements SpeechOutput {
  spoken: Array<Utterance & { rate: number }> = []
  cancels = 0
  paused = 0
  resumed = 0
  private finish: (() => void) | null = null
  speak(u: Utterance, rate: number) {
    this.spoken.push({ ...u, rate })
    return new Promise<void>((resolve) => (this.finish = resolve))
  }
  cancel() {
    this.cancels++
    this.end()
  }
  pause() {
    this.paused++
  }
  resume() {
    this.resumed++
  }
  end() {
    const f = this.finish
    this.finish = null
    f?.()
  }
}

const flush = () => new Promise((r) => setTimeout(r, 0))

function setup() {
  const out = new FakeOutput()
  const frames: Array<() => void> = []
  const guide = new VoiceGuide(out, (run) => frames.push(run))
  guide.enabled = true
  const frame = async () => {
    frames.splice(0).forEach((f) => f())
    await flush()
  }
  return { out, guide, frame }
}

const zh = (text: string): Utterance => ({ text, lang: 'zh-CN' })

describe('VoiceGuide', () => {
  it('speaks nothing until the frame is drawn, then one sentence at a time, each in its language and at the rate', async () => {
    const { out, guide, frame } = setup()
    guide.rate = 1.3
    guide.say([zh('第一句。第二句。'), { text: 'Agree, button', lang: 'en-US' }])
    expect(out.spoken).toEqual([])
    await frame()
    expect(out.spoken).toEqual([{ text: '第一句。', lang: 'zh-CN', rate: 1.3 }])
    out.end()
    await flush()
    out.end()
    await flush()
    expect(out.spoken.map((u) => [u.text, u.lang])).toEqual([
      ['第一句。', 'zh-CN'],
      ['第二句。', 'zh-CN'],
      ['Agree, button', 'en-US'],
    ])
  })

  it('a new announcement cancels what is still queued and speaking; an appended one waits its turn', async () => {
    const { out, guide, frame } = setup()
    guide.say([zh('旧的一句。旧的第二句。')])
    await frame()
    guide.say([zh('新的。')])
    expect(out.cancels).toBe(0) // until the frame is drawn
    await frame()
    expect(out.cancels).toBe(1)
    guide.say([zh('随后。')], { append: true })
    await frame()
    expect(out.spoken.map((u) => u.text)).toEqual(['旧的一句。', '新的。'])
    out.end()
    await flush()
    expect(out.spoken.map((u) => u.text)).toEqual(['旧的一句。', '新的。', '随后。'])
  })

  it('is silent while disabled, repeats the last announcement, and pauses and resumes', async () => {
    const { out, guide, frame } = setup()
    guide.enabled = false
    guide.say([zh('不该说。')])
    await frame()
    expect(out.spoken).toEqual([])
    guide.enabled = true
    guide.say([zh('再说一遍。')])
    await frame()
    out.end()
    await flush()
    guide.repeat()
    await frame()
    expect(out.spoken.map((u) => u.text)).toEqual(['再说一遍。', '再说一遍。'])
    guide.togglePause()
    guide.togglePause()
    expect([out.paused, out.resumed]).toEqual([1, 1])
  })
})

describe('VoiceGuide paused', () => {
  it('a new announcement while paused cancels the paused sentence and resumes the engine, so the new one is heard', async () => {
    const { out, guide, frame } = setup()
    guide.say([zh('读到一半。还没读。')])
    await frame()
    guide.togglePause()
    expect(out.paused).toBe(1)
    guide.say([zh('翻到新的一页。')])
    await frame()
    expect([out.cancels, out.resumed]).toEqual([1, 1])
    expect(out.spoken.map((u) => u.text)).toEqual(['读到一半。', '翻到新的一页。'])
  })

  it('resumed, goes on with the sentences after the one it paused in, each once', async () => {
    const { out, guide, frame } = setup()
    guide.say([zh('一。二。三。')])
    await frame()
    guide.togglePause()
    out.end() // an engine without pause() finishes its sentence; nothing follows while paused
    await flush()
    await frame()
    expect(out.spoken.map((u) => u.text)).toEqual(['一。'])
    guide.togglePause()
    await frame()
    out.end()
    await flush()
    expect(out.spoken.map((u) => u.text)).toEqual(['一。', '二。', '三。'])
    expect(out.resumed).toBe(1)
  })
})

describe('VoiceGuide builds what it says after the frame', () => {
  it('calls a builder only once the frame is drawn, and not at all while guidance is off', async () => {
    const { out, guide, frame } = setup()
    let title = ''
    let built = 0
    guide.say(() => {
      built++
      return [zh(title)]
    })
    title = '配对手机' // set while the screen is shown, after the focus change
    expect(built).toBe(0)
    await frame()
    expect(built).toBe(1)
    expect(out.spoken.map((u) => u.text)).toEqual(['配对手机'])
    guide.enabled = false
    guide.say(() => {
      built++
      return [zh('不该说。')]
    })
    await frame()
    expect(built).toBe(1)
  })

  it('an announcement that builds to nothing leaves what is being said alone; in one frame the last non-empty one wins', async () => {
    const { out, guide, frame } = setup()
    guide.say([zh('这一页。第二句。')])
    await frame()
    guide.say(() => [])
    await frame()
    expect(out.cancels).toBe(0)
    guide.say([zh('过时的。')])
    guide.say([zh('最新的。')])
    guide.say(() => [])
    guide.say([zh('随后。')], { append: true })
    await frame()
    expect(out.cancels).toBe(1)
    out.end()
    await flush()
    expect(out.spoken.map((u) => u.text)).toEqual(['这一页。', '最新的。', '随后。'])
  })

  it('a builder that throws is skipped; the announcements after it are said', async () => {
    const { out, guide, frame } = setup()
    guide.say(() => {
      throw new Error('not drawn')
    })
    guide.say([zh('照常。')], { append: true })
    await frame()
    expect(out.spoken.map((u) => u.text)).toEqual(['照常。'])
  })
})
