import { SAFE } from './screen'

// Reader geometry at 1080p, inside the title-safe area.
export const HEADER_H = 96
export const FOOTER_H = 56
export const READER_BODY = { width: SAFE.w, height: SAFE.h - HEADER_H - FOOTER_H }
export const READER_BODY_POS = { x: SAFE.x, y: SAFE.y + HEADER_H }
export const QR_SIZE = 200

// Consent gate: title and notice above, buttons below the summary.
export const GATE_BODY_POS = { x: SAFE.x, y: SAFE.y + 110 }
export const GATE_BODY = { width: SAFE.w, height: SAFE.h - 110 - 120 }
