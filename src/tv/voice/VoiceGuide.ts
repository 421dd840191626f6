import { splitSentences } from '../../core/speech/sentences'

/** One thing to say, in the language its text is in (the policy stays zh-CN in an English UI). */
export interface Utterance {
  text: string
  lang: string
}

/** Where speech goes: the browser's speechSynthesis or the platform's TTS through the bridge. */
export interface SpeechOutput {
  /** Resolves when the utterance has been spoken, or was cut off by cancel(). */
  speak(u: Utterance, rate: number): Promise<void>
  cancel(): void
  pause?(): void
  resume?(): void
}

/** Schedules work after the next frame, so speaking never delays what the key press shows. */
export type AfterFrame = (run: () => void) => void

const afterNextFrame: AfterFrame = (run) => {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => setTimeout(run, 0))
  else setTimeout(run, 0)
}

/**
 * The app's one announcer: a queue of utterances, one sentence each, spoken one after another.
 * A new announcement replaces what is still queued (a key press makes it stale) unless it is
 * appended; nothing is queued while guidance is off.
 */
export class VoiceGuide {
  enabled = false
  rate = 1
  private queue: Utterance[] = []
  private speaking = false
  private paused = false
  private generation = 0
  private last: Utterance[] = []
  private pending: { build: () => Utterance[]; append: boolean }[] = []
  private scheduled = false
  /** Whether the last announcement has begun; until then a new one may still merge with it. */
  started = false

  constructor(
    private output: SpeechOutput | null,
    private readonly afterFrame: AfterFrame = afterNextFrame,
  ) {}

  setOutput(output: SpeechOutput | null): void {
    this.cancel()
    this.output = output
  }

  /**
   * Speaks these after the frame, dropping anything stale; `append` queues them after it. What is
   * said is built after the frame too, from the screen as drawn (a page's title set on showing,
   * a feature screen mounted late), and only while guidance is on: with it off a flip reads nothing.
   * An announcement that builds to nothing leaves what is being said alone.
   */
  say(utterances: Utterance[] | (() => Utterance[]), opts: { append?: boolean } = {}): void {
    if (!this.enabled || !this.output) return
    this.pending.push({ build: typeof utterances === 'function' ? utterances : () => utterances, append: !!opts.append })
    if (!opts.append) this.started = false
    this._schedule()
  }

  /** Builds what was said since the last frame, in order: each non-empty announcement replaces what is stale. */
  private _build() {
    const pending = this.pending
    this.pending = []
    for (const p of pending) {
      let built: Utterance[]
      try {
        built = p.build()
      } catch {
        continue // a screen that cannot say itself must not silence the ones after it
      }
      const pieces = built.flatMap((u) => splitSentences(u.text).map((text) => ({ text, lang: u.lang })))
      if (!pieces.length) continue
      if (p.append) this.last = this.last.concat(pieces)
      else {
        this._stop()
        this.last = pieces
      }
      this.queue.push(...pieces)
    }
  }

  /** Says the last announcement again from its start. */
  repeat(): void {
    const again = this.last
    this.say(again)
  }

  /** Pauses reading (PlayPause); pressed again, resumes where it stopped. */
  togglePause(): void {
    if (!this.output) return
    this.paused = !this.paused
    if (this.paused) this.output.pause?.()
    else {
      this.output.resume?.()
      this._schedule()
    }
  }

  cancel(): void {
    this.pending = []
    this._stop()
  }

  /** Stops what is being said and drops what is queued. */
  private _stop() {
    this.generation++
    this.queue = []
    if (this.speaking) this.output?.cancel()
    // A paused engine stays paused through cancel(): what is said next would never be heard.
    if (this.paused) this.output?.resume?.()
    this.paused = false
    this.speaking = false
  }

  private _schedule() {
    if (this.scheduled) return
    this.scheduled = true
    this.afterFrame(() => {
      this.scheduled = false
      if (this.enabled) this._build()
      else this.pending = []
      this._pump()
    })
  }

  private _pump() {
    if (this.speaking || this.paused || !this.output) return
    const next = this.queue.shift()
    if (!next) return
    const generation = this.generation
    this.speaking = true
    this.started = true
    void this.output
      .speak(next, this.rate)
      .catch(() => undefined)
      .then(() => {
        if (generation !== this.generation) return
        this.speaking = false
        this._pump()
      })
  }
}

let guide: VoiceGuide | null = null

/** The app's announcer; silent (no output, disabled) until voice guidance starts. */
export function voiceGuide(): VoiceGuide {
  if (!guide) guide = new VoiceGuide(null)
  return guide
}
