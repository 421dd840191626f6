// Lua scripts of the Redis LiveStore. Each runs atomically on the Redis server, so a read and
// the write that depends on it (compare-and-set, first use of a token, counters, pacing) can
// never interleave with another service process.
//
// Time: every script gets `now` (ms since the epoch) from the service clock, and each entry
// keeps its own deadline on that clock, exactly as MemoryLiveStore does. Redis key TTLs
// (PX / PEXPIRE) are set to at least the same span, so Redis frees what the service has
// stopped seeing. Numbers travel as decimal strings; every value stays below 2^53, where Lua
// doubles are exact.
//
// Key layout (each under the store's prefix):
//   p:<pairing id>     hash   the pairing record, one JSON-encoded field per member, plus
//                             `_tokens` (the token keys living as long as the pairing)
//   e:<pairing id>     stream the pairing's events; stream id `<event id>-0`, so the integer
//                             event id (SSE `id:` / `Last-Event-ID`) is the stream id itself
//   t:<kind>:<hash>    hash   token index entry { pid, used, purge }
//   c:<key>            hash   fixed-window counter { n, reset }
//   q:<key>            string poll pacing "<last poll> <interval s> <deadline>"
//   o:<key>            string set-once key (nonce, lock): its deadline
//   i:<key>            string idempotency entry, JSON { f: fingerprint, e: deadline, r?: response }
//   w:<pairing id>     pub/sub channel: a wake-up after each event (the message is the event id)

export interface Script {
  name: string
  lua: string
}

/** Events kept per pairing (as MemoryLiveStore). */
export const MAX_EVENTS = 64

const script = (name: string, lua: string): Script => ({ name, lua: lua.trim() })

/** Fixed-window count in Lua, shared by INCR and the scripts that count in the same step. */
const COUNT_FN = `
local function count(key, now, windowMs, windowEnd)
  local reset = redis.call('HGET', key, 'reset')
  if not reset or tonumber(reset) <= now then
    redis.call('DEL', key)
    redis.call('HSET', key, 'n', '1', 'reset', windowEnd)
    redis.call('PEXPIRE', key, windowMs)
    return 1, windowEnd
  end
  return redis.call('HINCRBY', key, 'n', 1), reset
end
`

/**
 * KEYS: pairing, stream, [limit counter], token keys…
 * ARGV: now, ttl ms, purgeAt, pairing id, event type, event data, limit max ('' for no limit),
 *       limit window ms, limit window end, field count, field, value, …
 * → {1} stored; {0} the id or a token hash is taken by a live pairing; {2, count, window end}
 *   the limit, counted first, refused it.
 */
export const CREATE = script(
  'create',
  `${COUNT_FN}
local now = tonumber(ARGV[1])
local firstToken = 3
if ARGV[7] ~= '' then
  firstToken = 4
  local n, reset = count(KEYS[3], now, ARGV[8], ARGV[9])
  if n > tonumber(ARGV[7]) then return {2, n, reset} end
end
local purge = redis.call('HGET', KEYS[1], 'purgeAt')
if purge and tonumber(purge) > now then return {0} end
for i = firstToken, #KEYS do
  local tp = redis.call('HGET', KEYS[i], 'purge')
  if tp and tonumber(tp) > now then return {0} end
end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('XADD', KEYS[2], 'MAXLEN', '${MAX_EVENTS}', '1-0', 'type', ARGV[5], 'data', ARGV[6], 'at', ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
local nf = tonumber(ARGV[10])
local fields = {}
for i = 1, nf * 2 do fields[i] = ARGV[10 + i] end
local tokens = {}
for i = firstToken, #KEYS do
  tokens[#tokens + 1] = KEYS[i]
  redis.call('DEL', KEYS[i])
  redis.call('HSET', KEYS[i], 'pid', ARGV[4], 'used', '0', 'purge', ARGV[3])
  redis.call('PEXPIRE', KEYS[i], ARGV[2])
end
fields[#fields + 1] = '_tokens'
fields[#fields + 1] = table.concat(tokens, ' ')
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1}
`,
)

/**
 * Compare-and-set of a whole record, with its event appended in the same step.
 * KEYS: pairing, stream
 * ARGV: now, expected version, event id the caller built the event for, ttl ms, purgeAt,
 *       wake channel, has event (1/0), event type, event data, field count, field, value, …
 * → {1, event id now} stored; {0} version mismatch or pairing gone; {-1, event id} the event
 *   was built for another event id (the caller rebuilds it and retries).
 */
export const CAS = script(
  'cas',
  `
local now = tonumber(ARGV[1])
local cur = redis.call('HMGET', KEYS[1], 'version', 'eventId', 'purgeAt', '_tokens')
if not cur[1] or not cur[3] or tonumber(cur[3]) <= now then return {0} end
if tonumber(cur[1]) ~= tonumber(ARGV[2]) then return {0} end
local eid = tonumber(cur[2])
local withEvent = ARGV[7] == '1'
if withEvent then
  if eid ~= tonumber(ARGV[3]) then return {-1, eid} end
  eid = eid + 1
  redis.call('XADD', KEYS[2], 'MAXLEN', '${MAX_EVENTS}', eid .. '-0', 'type', ARGV[8], 'data', ARGV[9], 'at', ARGV[1])
end
local n = tonumber(ARGV[10])
local fields = {}
for i = 1, n * 2 do fields[i] = ARGV[10 + i] end
local tokens = cur[4] or ''
fields[#fields + 1] = 'eventId'
fields[#fields + 1] = tostring(eid)
fields[#fields + 1] = '_tokens'
fields[#fields + 1] = tokens
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
for key in string.gmatch(tokens, '%S+') do
  if redis.call('EXISTS', key) == 1 then
    redis.call('HSET', key, 'purge', ARGV[5])
    redis.call('PEXPIRE', key, ARGV[4])
  end
end
if withEvent then redis.call('PUBLISH', ARGV[6], tostring(eid)) end
return {1, eid}
`,
)

/**
 * KEYS: token, pairing   ARGV: now, pairing id, fallback ttl ms
 * → 0 when the hash belongs to a live pairing; 1 otherwise (indexed when the pairing lives).
 */
export const ADD_TOKEN = script(
  'add_token',
  `
local now = tonumber(ARGV[1])
local tp = redis.call('HGET', KEYS[1], 'purge')
if tp and tonumber(tp) > now then return 0 end
redis.call('DEL', KEYS[1])
local purge = redis.call('HGET', KEYS[2], 'purgeAt')
if not purge or tonumber(purge) <= now then return 1 end
redis.call('HSET', KEYS[1], 'pid', ARGV[2], 'used', '0', 'purge', purge)
local ttl = redis.call('PTTL', KEYS[2])
if ttl <= 0 then ttl = tonumber(ARGV[3]) end
redis.call('PEXPIRE', KEYS[1], ttl)
local tokens = redis.call('HGET', KEYS[2], '_tokens') or ''
if tokens == '' then tokens = KEYS[1] else tokens = tokens .. ' ' .. KEYS[1] end
redis.call('HSET', KEYS[2], '_tokens', tokens)
return 1
`,
)

/** KEYS: token   ARGV: now   → nil, or {pairing id, 1 first use / 0 used before} */
export const USE_TOKEN = script(
  'use_token',
  `
local v = redis.call('HMGET', KEYS[1], 'pid', 'used', 'purge')
if not v[1] or not v[3] or tonumber(v[3]) <= tonumber(ARGV[1]) then return false end
if v[2] == '1' then return {v[1], 0} end
redis.call('HSET', KEYS[1], 'used', '1')
return {v[1], 1}
`,
)

/** KEYS: pairing, stream   ARGV: now, first stream id   → the entries, or {} when the pairing is gone */
export const EVENTS = script(
  'events',
  `
local purge = redis.call('HGET', KEYS[1], 'purgeAt')
if not purge or tonumber(purge) <= tonumber(ARGV[1]) then return {} end
return redis.call('XRANGE', KEYS[2], ARGV[2], '+')
`,
)

/** Fixed window. KEYS: counter   ARGV: now, window ms, window end   → {count, window end} */
export const INCR = script(
  'incr',
  `${COUNT_FN}
local n, reset = count(KEYS[1], tonumber(ARGV[1]), ARGV[2], ARGV[3])
return {n, reset}
`,
)

/**
 * One device authentication (throttle check, failure count, nonce) in one step.
 * KEYS: failure counter, [nonce key]
 * ARGV: now, max failures, window ms, window end, valid (1/0), nonce ttl ms, nonce deadline
 * → {'throttled', window end} | {'failed'} | {'replayed'} | {'ok'}
 */
export const AUTH_ATTEMPT = script(
  'auth_attempt',
  `${COUNT_FN}
local now = tonumber(ARGV[1])
local c = redis.call('HMGET', KEYS[1], 'n', 'reset')
if c[1] and c[2] and tonumber(c[2]) > now and tonumber(c[1]) >= tonumber(ARGV[2]) then return {'throttled', c[2]} end
if ARGV[5] ~= '1' then
  count(KEYS[1], now, ARGV[3], ARGV[4])
  return {'failed'}
end
if #KEYS < 2 then return {'ok'} end
if redis.call('SET', KEYS[2], ARGV[7], 'NX', 'PX', ARGV[6]) then return {'ok'} end
local deadline = tonumber(redis.call('GET', KEYS[2]) or '0')
if deadline and deadline > now then return {'replayed'} end
redis.call('SET', KEYS[2], ARGV[7], 'PX', ARGV[6])
return {'ok'}
`,
)

/**
 * RFC 8628 §3.5 pacing. KEYS: pace key
 * ARGV: now, interval s, tolerance, increment, max, ttl ms, deadline
 * → {1 ok / 0 too early, interval now in force}
 */
export const PACE = script(
  'pace',
  `
local now = tonumber(ARGV[1])
if redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. ARGV[2] .. ' ' .. ARGV[7], 'NX', 'PX', ARGV[6]) then return {1, ARGV[2]} end
local cur = redis.call('GET', KEYS[1]) or ''
local last, interval, deadline = string.match(cur, '^(%S+) (%S+) (%S+)$')
if not deadline or tonumber(deadline) <= now then
  redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. ARGV[2] .. ' ' .. ARGV[7], 'PX', ARGV[6])
  return {1, ARGV[2]}
end
interval = math.max(tonumber(interval), tonumber(ARGV[2]))
local ok = (now - tonumber(last)) >= interval * 1000 * (1 - tonumber(ARGV[3]))
if not ok then interval = math.min(tonumber(ARGV[5]), interval + tonumber(ARGV[4])) end
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. tostring(interval) .. ' ' .. ARGV[7], 'PX', ARGV[6])
if ok then return {1, tostring(interval)} end
return {0, tostring(interval)}
`,
)

/** SET NX PX, with a deadline on the service clock. KEYS: key   ARGV: now, ttl ms, deadline   → 1 set / 0 present */
export const PUT_ONCE = script(
  'put_once',
  `
if redis.call('SET', KEYS[1], ARGV[3], 'NX', 'PX', ARGV[2]) then return 1 end
local deadline = tonumber(redis.call('GET', KEYS[1]) or '0')
if deadline and deadline > tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[2])
return 1
`,
)

/**
 * KEYS: entry   ARGV: now, ttl ms, deadline, fingerprint
 * → {'new'} | {'in_flight', fingerprint} | {'done', fingerprint, response JSON}
 */
export const IDEM_BEGIN = script(
  'idem_begin',
  `
local entry = cjson.encode({ f = ARGV[4], e = ARGV[3] })
if redis.call('SET', KEYS[1], entry, 'NX', 'PX', ARGV[2]) then return {'new'} end
local raw = redis.call('GET', KEYS[1])
if raw then
  local cur = cjson.decode(raw)
  if tonumber(cur.e) > tonumber(ARGV[1]) then
    if cur.r then return {'done', cur.f, cur.r} end
    return {'in_flight', cur.f}
  end
end
redis.call('SET', KEYS[1], entry, 'PX', ARGV[2])
return {'new'}
`,
)

/** KEYS: entry   ARGV: ttl ms, deadline, response JSON */
export const IDEM_COMPLETE = script(
  'idem_complete',
  `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local cur = cjson.decode(raw)
cur.r = ARGV[3]
cur.e = ARGV[2]
redis.call('SET', KEYS[1], cjson.encode(cur), 'PX', ARGV[1])
return 1
`,
)

/** KEYS: entry → frees an entry that has no stored response yet */
export const IDEM_ABORT = script(
  'idem_abort',
  `
local raw = redis.call('GET', KEYS[1])
if raw and not cjson.decode(raw).r then redis.call('DEL', KEYS[1]) end
return 1
`,
)

export const ALL_SCRIPTS = [CREATE, CAS, ADD_TOKEN, USE_TOKEN, EVENTS, INCR, AUTH_ATTEMPT, PACE, PUT_ONCE, IDEM_BEGIN, IDEM_COMPLETE, IDEM_ABORT]
