// The page's words in Simplified Chinese (default) and US English. The policy itself is quoted
// as authored (Chinese): quotes carry lang="zh-CN".
import type { Scope } from '../core/protocol/constants'
import type { ResultKind, ScopeOutcome } from './derived'
import type { Locale } from './locale'
import type { EndReason } from './state'

function mmss(ms: number): string {
  const s = Math.ceil(ms / 1000)
  const m = Math.floor(s / 60)
  return `${m}:${String(s % 60).padStart(2, '0')}`
}

function waitText(seconds: number, zh: boolean): string {
  if (seconds >= 90) {
    const m = Math.ceil(seconds / 60)
    return zh ? `${m} 分钟` : `${m} minute${m === 1 ? '' : 's'}`
  }
  return zh ? `${seconds} 秒` : `${seconds} second${seconds === 1 ? '' : 's'}`
}

export interface Strings {
  locale: Locale
  pageTitle: string
  brand: string
  switchTo: string
  switchToLang: Locale
  switchLabel: string
  loading: string
  resuming: string
  claiming: string
  // typed code
  codeTitle: string
  codeIntro: string
  codeLabel: string
  codeHint: string
  codeSubmit: string
  codeBusy: string
  codeError: {
    empty: string
    short: string
    long: string
    chars: (bad: string[]) => string
    unknown: string
    expired: string
    taken: string
    cancelled: string
    rateLimited: (seconds: number) => string
    unexpected: string
  }
  // confirm
  confirmTitle: string
  confirmTv: (name: string) => string
  confirmQuestion: (code: string) => string
  confirmYes: string
  confirmNo: string
  // choose
  chooseTitle: string
  chooseIntro: (tv: string) => string
  chooseLegend: string
  scopeLabel: Record<Scope, string>
  scopePurpose: Record<Scope, string>
  policyBasis: (row: string) => string
  policyBasisMissing: string
  sensitive: string
  chooseNone: string
  chooseSubmit: string
  chooseBusy: string
  // waiting
  waitingTitle: string
  waitingBody: (tv: string, scopes: string) => string
  waitingHelp: string
  timeLeft: (ms: number) => string
  live: string
  // result
  resultTitle: Record<ResultKind, string>
  resultBody: Record<ResultKind, (tv: string) => string>
  resultNext: Record<ResultKind, string>
  outcome: Record<ScopeOutcome, string>
  outcomesLabel: string
  colon: string
  // ended
  endedTitle: Record<EndReason, string>
  endedBody: Record<EndReason, string>
  enterCode: string
  enterNewCode: string
  blockedTitle: string
  blockedBody: (seconds: number) => string
  blockedRetry: string
  // connection
  netDown: string
  netServerDown: string
  netNext: (seconds: number, attempt: number) => string
  netRetryNow: string
  netBack: string
  // policy
  summaryTitle: string
  readFull: string
  policyLoading: string
  policyFailed: string
  policyRetry: string
  policyOnlyChinese: string
  policyBack: string
  policyContents: string
  policyMeta: (version: string, date: string) => string
  tableLabel: string
  sdkLabel: string
  opensNewWindow: string
  noScript: string
}

const zh: Strings = {
  locale: 'zh-CN',
  pageTitle: 'Miitee TV · 连接电视',
  brand: 'Miitee TV',
  switchTo: 'English',
  switchToLang: 'en-US',
  switchLabel: 'Switch to English',
  loading: '正在加载…',
  resuming: '正在恢复上次的配对…',
  claiming: '正在连接电视…',
  codeTitle: '输入电视上的配对码',
  codeIntro: '打开电视上的「配对手机」，屏幕上会显示一个 8 位配对码，例如 WDJB-MJHT。',
  codeLabel: '配对码',
  codeHint: '不区分大小写，可省略短横线。',
  codeSubmit: '继续',
  codeBusy: '正在查找电视…',
  codeError: {
    empty: '请输入电视上显示的配对码。',
    short: '配对码有 8 个字母，请检查是否漏输。',
    long: '配对码只有 8 个字母，请检查是否多输。',
    chars: (bad) => `配对码中没有 ${bad.join(' ')}。配对码只由辅音字母组成（不含元音和数字）。`,
    unknown: '没有电视显示这个配对码。请核对电视屏幕上的配对码。',
    expired: '这个配对码已过期。电视会显示一个新的配对码，请输入新的。',
    taken: '这台电视已经与另一部手机配对。如果那不是您，请在电视上重新开始配对。',
    cancelled: '这次配对已被取消。请在电视上重新开始配对。',
    rateLimited: (s) => `尝试次数过多。为了安全，请 ${waitText(s, true)}后再试。`,
    unexpected: '出现了意外问题，请稍后再试。',
  },
  confirmTitle: '核对电视',
  confirmTv: (name) => `您正在连接：${name}`,
  confirmQuestion: (code) => `您的电视是否显示 ${code}？`,
  confirmYes: '是，显示的相同',
  confirmNo: '不是，显示的不同',
  chooseTitle: '选择要请求的功能',
  chooseIntro: (tv) => `请求会发送到「${tv}」。电视的主人会在电视上逐项允许或拒绝。`,
  chooseLegend: '请求以下功能（可多选）',
  scopeLabel: { bluetooth: '蓝牙配对', network: '大屏配网', location: '附近大屏（定位）' },
  scopePurpose: {
    bluetooth: '让手机通过蓝牙连接这台电视。',
    network: '让手机帮电视连接无线网络。',
    location: '用位置发现您附近的大屏。',
  },
  policyBasis: (row) => `政策依据：权限表「${row}」一行，用到的地方：`,
  policyBasisMissing: '政策依据暂时无法加载。',
  sensitive: '敏感信息',
  chooseNone: '请至少选择一项功能。',
  chooseSubmit: '发送请求',
  chooseBusy: '正在发送…',
  waitingTitle: '等待电视主人确认',
  waitingBody: (tv, scopes) => `已向「${tv}」请求：${scopes}。请在电视上查看并逐项选择“允许”或“拒绝”。`,
  waitingHelp: '这个页面会自动更新，请不要关闭。',
  timeLeft: (ms) => `剩余时间 ${mmss(ms)}`,
  live: '已实时连接',
  resultTitle: { granted: '电视已允许', partial: '电视允许了部分功能', denied: '电视拒绝了请求', withdrawn: '电视已撤回同意' },
  resultBody: {
    granted: (tv) => `「${tv}」的主人允许了您请求的全部功能。`,
    partial: (tv) => `「${tv}」的主人逐项作出了选择：`,
    denied: (tv) => `「${tv}」的主人没有允许您请求的功能。`,
    withdrawn: (tv) => `「${tv}」的主人撤回了对以下功能的同意，相关功能已停止：`,
  },
  resultNext: {
    granted: '下一步：已允许的功能现在可以在这部手机上使用，电视上也列出了各项结果。电视的主人可以随时在电视的「隐私设置」中撤回同意。',
    partial: '下一步：已允许的功能现在可以在这部手机上使用，电视上也列出了各项结果；被拒绝的功能如需使用，请与电视的主人沟通后在电视上重新开始配对。',
    denied: '下一步：如果您认为有误，请与电视的主人沟通，然后在电视上重新开始配对。现在可以关闭此页面。',
    withdrawn: '下一步：如需再次使用，请与电视的主人沟通，然后在电视上重新开始配对。',
  },
  outcome: { granted: '已允许', denied: '已拒绝', withdrawn: '已撤回' },
  outcomesLabel: '各项结果',
  colon: '：',
  endedTitle: {
    expired: '配对码已过期',
    window_closed: '请求已超时',
    used: '此链接已被使用过',
    used_here: '此链接已在这部手机上使用过',
    taken: '电视已与其他手机配对',
    cancelled: '配对已取消',
    invalid_link: '链接无效',
    gone: '这次配对已结束',
    mismatch: '请不要继续',
    unexpected: '出现了意外问题',
  },
  endedBody: {
    expired: '下一步：在电视上重新打开「配对手机」，扫描新的二维码，或输入新的配对码。',
    window_closed: '电视的主人没有在时限内作出选择，未授予任何权限。下一步：在电视上重新开始配对，再发送请求。',
    used: '为了安全，同一个二维码只能使用一次。这个二维码已被使用过，所以那次配对已取消；电视上会说明取消的原因，并显示一个新的二维码。下一步：扫描电视上的新二维码。',
    used_here:
      '此浏览器无法安全地保存配对（例如页面不是通过 https 打开的），所以刷新后无法继续，二维码也不会再次发送（那会取消配对）。下一步：在电视上重新开始配对，扫描电视上的新二维码，或输入新的配对码。',
    taken: '这个配对码已被另一部手机使用。如果那不是您，请在电视上取消并重新开始配对。',
    cancelled: '电视上的二维码又被扫描了一次，为了安全，这次配对已取消；电视上会说明取消的原因，并显示一个新的二维码。下一步：扫描电视上的新二维码。',
    invalid_link: '这个链接不对应任何电视。下一步：重新扫描电视上的二维码，或输入电视上显示的配对码。',
    gone: '这次配对已经结束。下一步：在电视上重新开始配对。',
    mismatch: '电视上的配对码与这里不同，您扫描的可能不是您的电视。请关闭此页面，在您自己的电视上重新开始配对。',
    unexpected: '请稍后在电视上重新开始配对。',
  },
  enterCode: '输入配对码',
  enterNewCode: '输入新的配对码',
  blockedTitle: '尝试次数过多',
  blockedBody: (s) => `为了安全，请 ${waitText(s, true)}后再试，或在电视上重新开始配对，扫描新的二维码。`,
  blockedRetry: '再试一次',
  netDown: '无法连接到配对服务，正在自动重试。请检查手机网络。',
  netServerDown: '配对服务暂时不可用，正在自动重试。',
  netNext: (s, n) => `第 ${n} 次重试：${s} 秒后。`,
  netRetryNow: '立即重试',
  netBack: '已重新连接。',
  summaryTitle: '隐私政策摘要',
  readFull: '阅读完整隐私政策',
  policyLoading: '正在加载隐私政策…',
  policyFailed: '隐私政策暂时无法加载。',
  policyRetry: '重新加载',
  policyOnlyChinese: '',
  policyBack: '返回',
  policyContents: '目录',
  policyMeta: (v, d) => `版本 ${v} · 生效日期 ${d}`,
  tableLabel: '权限表（可左右滑动）',
  sdkLabel: '第三方 SDK',
  opensNewWindow: '（在新窗口打开）',
  noScript: '此页面需要启用 JavaScript。',
}

const en: Strings = {
  locale: 'en-US',
  pageTitle: 'Miitee TV · Connect to your TV',
  brand: 'Miitee TV',
  switchTo: '中文',
  switchToLang: 'zh-CN',
  switchLabel: '切换到中文',
  loading: 'Loading…',
  resuming: 'Resuming your pairing…',
  claiming: 'Connecting to the TV…',
  codeTitle: 'Enter the code shown on the TV',
  codeIntro: 'Open “Pair a phone” on the TV. It shows an 8-letter code such as WDJB-MJHT.',
  codeLabel: 'Pairing code',
  codeHint: 'Upper or lower case; the dash is optional.',
  codeSubmit: 'Continue',
  codeBusy: 'Looking for your TV…',
  codeError: {
    empty: 'Enter the code shown on the TV.',
    short: 'The code has 8 letters: one or more seem to be missing.',
    long: 'The code has only 8 letters: check for extra ones.',
    chars: (bad) => `The code never contains ${bad.join(' ')}: it uses consonants only (no vowels or digits).`,
    unknown: 'No TV shows this code. Check the code on the TV screen.',
    expired: 'This code has expired. The TV shows a new one: enter that.',
    taken: 'This TV is already paired with another phone. If that was not you, start again on the TV.',
    cancelled: 'This pairing was cancelled. Start again on the TV.',
    rateLimited: (s) => `Too many attempts. For your safety, try again in ${waitText(s, false)}.`,
    unexpected: 'Something unexpected happened. Please try again later.',
  },
  confirmTitle: 'Check your TV',
  confirmTv: (name) => `You are connecting to: ${name}`,
  confirmQuestion: (code) => `Does your TV show ${code}?`,
  confirmYes: 'Yes, it matches',
  confirmNo: 'No, it is different',
  chooseTitle: 'Choose what to ask for',
  chooseIntro: (tv) => `Your request goes to “${tv}”. The TV owner allows or declines each item on the TV.`,
  chooseLegend: 'Ask for (choose one or more)',
  scopeLabel: { bluetooth: 'Bluetooth pairing', network: 'Network setup for the TV', location: 'Nearby screens (location)' },
  scopePurpose: {
    bluetooth: 'Connect your phone to this TV over Bluetooth.',
    network: 'Let your phone help the TV join a Wi-Fi network.',
    location: 'Use location to find big screens near you.',
  },
  policyBasis: (row) => `Policy basis: permission table, row “${row}”, used for: `,
  policyBasisMissing: 'The policy could not be loaded right now.',
  sensitive: 'Sensitive',
  chooseNone: 'Choose at least one item.',
  chooseSubmit: 'Send request',
  chooseBusy: 'Sending…',
  waitingTitle: 'Waiting for the TV owner',
  waitingBody: (tv, scopes) => `Asked “${tv}” for: ${scopes}. On the TV, the owner allows or declines each item.`,
  waitingHelp: 'This page updates by itself: keep it open.',
  timeLeft: (ms) => `Time left ${mmss(ms)}`,
  live: 'Live',
  resultTitle: { granted: 'The TV said yes', partial: 'The TV allowed some items', denied: 'The TV declined', withdrawn: 'The TV withdrew its consent' },
  resultBody: {
    granted: (tv) => `The owner of “${tv}” allowed everything you asked for.`,
    partial: (tv) => `The owner of “${tv}” decided item by item:`,
    denied: (tv) => `The owner of “${tv}” did not allow what you asked for.`,
    withdrawn: (tv) => `The owner of “${tv}” withdrew consent for these items, which have stopped:`,
  },
  resultNext: {
    granted: 'Next: the allowed items can now be used from this phone; the TV lists the result too. The TV owner can withdraw consent at any time in the TV’s Privacy settings.',
    partial: 'Next: the allowed items can now be used from this phone; the TV lists the result too. For a declined one, talk to the TV owner and start pairing again on the TV.',
    denied: 'Next: if you think this is a mistake, talk to the TV owner and start pairing again on the TV. You can close this page.',
    withdrawn: 'Next: to use them again, talk to the TV owner and start pairing again on the TV.',
  },
  outcome: { granted: 'Allowed', denied: 'Declined', withdrawn: 'Withdrawn' },
  outcomesLabel: 'Result per item',
  colon: ': ',
  endedTitle: {
    expired: 'This code has expired',
    window_closed: 'The request timed out',
    used: 'This link was already used',
    used_here: 'This link was already used on this phone',
    taken: 'The TV is paired with another phone',
    cancelled: 'The pairing was cancelled',
    invalid_link: 'This link is not valid',
    gone: 'This pairing has ended',
    mismatch: 'Please stop here',
    unexpected: 'Something unexpected happened',
  },
  endedBody: {
    expired: 'Next: open “Pair a phone” on the TV again and scan the new QR code, or enter the new code.',
    window_closed: 'The TV owner made no choice in time; nothing was allowed. Next: start pairing again on the TV and send the request again.',
    used: 'For your safety a QR code works only once. This one had already been used, so that pairing has been cancelled; the TV says why and shows a new QR code. Next: scan the new QR code on the TV.',
    used_here:
      'This browser cannot keep the pairing safely (for example, the page was not opened over https), so it cannot go on after a reload, and the QR code is not sent again (that would cancel the pairing). Next: start pairing again on the TV and scan the TV’s new code, or enter its new code.',
    taken: 'Another phone has used this code. If that was not you, cancel on the TV and start pairing again.',
    cancelled: 'The TV’s QR code was scanned again, so for your safety this pairing was cancelled; the TV says why and shows a new QR code. Next: scan the new QR code on the TV.',
    invalid_link: 'This link does not lead to any TV. Next: scan the QR code on the TV again, or enter the code the TV shows.',
    gone: 'This pairing is over. Next: start pairing again on the TV.',
    mismatch: 'The TV shows a different code, so this may not be your TV. Close this page and start pairing again on your own TV.',
    unexpected: 'Please start pairing again on the TV later.',
  },
  enterCode: 'Enter a code',
  enterNewCode: 'Enter a new code',
  blockedTitle: 'Too many attempts',
  blockedBody: (s) => `For your safety, try again in ${waitText(s, false)}, or start pairing again on the TV and scan the new QR code.`,
  blockedRetry: 'Try again',
  netDown: 'Cannot reach the pairing service. Retrying by itself; check your phone’s connection.',
  netServerDown: 'The pairing service is not available right now. Retrying by itself.',
  netNext: (s, n) => `Retry ${n} in ${s} s.`,
  netRetryNow: 'Retry now',
  netBack: 'Connected again.',
  summaryTitle: 'Privacy policy summary',
  readFull: 'Read the full privacy policy',
  policyLoading: 'Loading the privacy policy…',
  policyFailed: 'The privacy policy could not be loaded.',
  policyRetry: 'Try again',
  policyOnlyChinese: 'The privacy policy is published in Chinese.',
  policyBack: 'Back',
  policyContents: 'Contents',
  policyMeta: (v, d) => `Version ${v} · effective ${d}`,
  tableLabel: 'Permission table (scrolls sideways)',
  sdkLabel: 'Third-party SDKs',
  opensNewWindow: '(opens in a new window)',
  noScript: 'This page needs JavaScript.',
}

export const STRINGS: Readonly<Record<Locale, Strings>> = { 'zh-CN': zh, 'en-US': en }

/** Scope names joined the way each language lists things. */
export function scopeList(t: Strings, scopes: readonly Scope[]): string {
  const names = scopes.map((s) => t.scopeLabel[s])
  return t.locale === 'zh-CN' ? names.join('、') : names.join(', ')
}
