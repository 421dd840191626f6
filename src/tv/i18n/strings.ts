// UI strings. The policy itself always stays in its own language; only the chrome switches.
import type { QrCaptions } from '../../core/layout/types'
import { pairingEnUS, pairingZhCN } from './pairingStrings'
export type UiLanguage = 'zh-CN' | 'en-US'
export const UI_LANGUAGES: UiLanguage[] = ['zh-CN', 'en-US']

const zhCN = {
  appName: 'Miitee',
  gateTitle: '隐私政策摘要',
  gateHint: '请阅读以下摘要。按 ↑ ↓ 翻阅，← → 选择按钮，按 OK 确认。',
  agree: '同意',
  disagree: '不同意',
  readFull: '阅读全文',
  declinedTitle: '您未同意隐私政策',
  declinedBody:
    '未经您同意，Miitee 不会收集任何个人信息，也不会连接任何服务器。因此以下功能暂不可用：扫码与手机配对、蓝牙配网与大屏遥控、附近大屏发现、会议与聊天。您可以随时重新阅读政策并作出选择。',
  readAgain: '重新阅读',
  exit: '退出',
  contents: '目录',
  settings: '设置',
  pageOf: '{n} / {total}',
  readerHint: '↑ ↓ 逐段  ← → 翻页  返回键 目录',
  contentsHint: '↑ ↓ 选择  OK 跳转  返回键 退出',
  qrCaption: '扫码在手机上阅读',
  qrCaptionMail: '扫码给 {address} 写邮件',
  qrCaptionTel: '扫码拨打 {number}',
  exitConfirmTitle: '退出 Miitee？',
  exitConfirmBody: '按 OK 退出，按返回键继续阅读。',
  stay: '继续阅读',
  settingsTitle: '设置',
  language: '界面语言',
  textSize: '文字大小',
  textSizeS: '小',
  textSizeM: '中',
  textSizeL: '大',
  clearData: '清除本地数据',
  settingsHint: '↑ ↓ 选择  ← → 或 OK 更改  返回键 返回',
  languageName: '简体中文',
  acceptedOn: '已于 {date} 同意（版本 {version}）',
  policyChanged: '隐私政策已更新，请重新阅读并确认。',
  policyChangedSections: '隐私政策已更新，有变化的章节：{sections}（目录中标有“已更新”）。请阅读后重新确认。',
  policyChangedCount: '隐私政策已更新，共有 {count} 个章节有变化（目录中标有“已更新”）。请阅读后重新确认。',
  sectionUpdated: '已更新',
  sectionShortNumbered: '第{ordinal}节',
  sectionShortSummary: '摘要',
  sectionShortIntro: '引言',
  sectionQuoted: '“{title}”',
  listSeparator: '、',
  listLastSeparator: '、',
  loadError: '无法加载隐私政策：{message}',
  fullText: '全文',
  featureUnavailable: '暂时无法打开，请按返回键返回后重试。',
  ...pairingZhCN,
  menuPair: '配对手机',
  menuPrivacy: '隐私设置',
  voiceGuidance: '语音导览',
  voiceOn: '开',
  voiceOff: '关',
  speechRate: '语速',
  rateSlow: '慢',
  rateNormal: '正常',
  rateFast: '快',
  spokenButton: '{label}，按钮，{n}/{total}',
  spokenItem: '{label}，{n}/{total}',
  spokenSetting: '{label}：{value}，{n}/{total}',
  spokenScope: '{scope}，{n}/{total}，{button}，按钮；{answer}',
  spokenQr: '二维码：{caption}',
  spokenUpDown: '上下键',
  spokenLeftRight: '左右键',
}

export type StringKey = keyof typeof zhCN
type Strings = Record<StringKey, string>

const enUS: Strings = {
  appName: 'Miitee',
  gateTitle: 'Privacy policy summary',
  gateHint: 'Read the summary. ↑ ↓ scroll, ← → choose, OK confirm.',
  agree: 'Agree',
  disagree: 'Disagree',
  readFull: 'Read in full',
  declinedTitle: 'You did not agree to the privacy policy',
  declinedBody:
    'Without your consent Miitee collects no personal information and connects to no server. These features are unavailable: pairing a phone by QR code, Bluetooth and network provisioning, remote control, finding nearby screens, meetings and chat. You can read the policy again and decide at any time.',
  readAgain: 'Read again',
  exit: 'Exit',
  contents: 'Contents',
  settings: 'Settings',
  pageOf: '{n} / {total}',
  readerHint: '↑ ↓ paragraph  ← → page  Back contents',
  contentsHint: '↑ ↓ choose  OK open  Back exit',
  qrCaption: 'Scan to read on your phone',
  qrCaptionMail: 'Scan to write an email to {address}',
  qrCaptionTel: 'Scan to call {number}',
  exitConfirmTitle: 'Exit Miitee?',
  exitConfirmBody: 'Press OK to exit, Back to keep reading.',
  stay: 'Keep reading',
  settingsTitle: 'Settings',
  language: 'Language',
  textSize: 'Text size',
  textSizeS: 'Small',
  textSizeM: 'Medium',
  textSizeL: 'Large',
  clearData: 'Clear local data',
  settingsHint: '↑ ↓ choose  ← → or OK change  Back return',
  languageName: 'English',
  acceptedOn: 'Accepted on {date} (version {version})',
  policyChanged: 'The privacy policy has changed. Please read and confirm again.',
  policyChangedSections: 'The privacy policy has changed in {sections} (marked "Updated" in the contents). Please read and confirm again.',
  policyChangedCount: 'The privacy policy has changed in {count} sections (marked "Updated" in the contents). Please read and confirm again.',
  sectionUpdated: 'Updated',
  sectionShortNumbered: 'section {n}',
  sectionShortSummary: 'the summary',
  sectionShortIntro: 'the introduction',
  sectionQuoted: '"{title}"',
  listSeparator: ', ',
  listLastSeparator: ' and ',
  loadError: 'Could not load the privacy policy: {message}',
  fullText: 'Full text',
  featureUnavailable: 'This screen could not be opened. Press Back and try again.',
  ...pairingEnUS,
  menuPair: 'Pair a phone',
  menuPrivacy: 'Privacy settings',
  voiceGuidance: 'Voice guidance',
  voiceOn: 'On',
  voiceOff: 'Off',
  speechRate: 'Speech rate',
  rateSlow: 'Slow',
  rateNormal: 'Normal',
  rateFast: 'Fast',
  spokenButton: '{label}, button, {n} of {total}',
  spokenItem: '{label}, {n} of {total}',
  spokenSetting: '{label}: {value}, {n} of {total}',
  spokenScope: '{scope}, {n} of {total}, {button} button; {answer}',
  spokenQr: 'QR code: {caption}',
  spokenUpDown: 'Up and Down',
  spokenLeftRight: 'Left and Right',
}

const TABLE: Record<UiLanguage, Strings> = { 'zh-CN': zhCN, 'en-US': enUS }

export function translate(lang: UiLanguage, key: StringKey, vars: Record<string, string | number> = {}): string {
  const template = TABLE[lang][key]
  return template.replace(/\{(\w+)\}/g, (_, name: string) => (name in vars ? String(vars[name]) : `{${name}}`))
}

/** The QR captions of one language, by link kind, their {address} and {number} left for the layout to fill. */
export function qrCaptions(lang: UiLanguage): QrCaptions {
  return { web: TABLE[lang].qrCaption, mail: TABLE[lang].qrCaptionMail, tel: TABLE[lang].qrCaptionTel }
}

export function allUiText(): string {
  return UI_LANGUAGES.map((l) => Object.values(TABLE[l]).join('')).join('')
}
