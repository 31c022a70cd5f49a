import { LuaScript } from '../redis/luaScript.js';

/**
 * The Redis Direct Line store's scripts: each call is one script, so a read, an append and the
 * budgets' trimming never interleave between instances, and positions (the watermarks) are handed
 * out once. Keys under ARGV[1] = `<REDIS_KEY_PREFIX>dl:`:
 *
 * - `c:<id>` hash: created, started (0/1), seq (last position handed out), bytes (of its log);
 * - `l:<id>` sorted set: each activity's JSON, scored by its position;
 * - `i:<id>` hash: activity id → position (for replace and delete);
 * - `active` sorted set: conversation id → last activity (ms); idle expiry is counted here, with
 *   the instances' clocks, and a key TTL (`backstopMs`) only collects what nothing touches any more;
 * - `sizes` sorted set: conversation id → bytes of its log; `total`: their sum;
 * - channel `bell:<id>`: the doorbell, published on every append or replace.
 *
 * Every script takes ARGV[1] prefix, ARGV[2] now (ms), ARGV[3] idle TTL (ms), ARGV[4] backstop (ms),
 * then its own arguments from ARGV[5]. One Redis (or Sentinel) only: a script names keys it computes.
 */
const COMMON = `
local P = ARGV[1]
local now = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local backstop = tonumber(ARGV[4])
local function meta(id) return P .. 'c:' .. id end
local function logk(id) return P .. 'l:' .. id end
local function idx(id) return P .. 'i:' .. id end

local function forget(id)
  local b = tonumber(redis.call('ZSCORE', P .. 'sizes', id) or '0')
  redis.call('DEL', meta(id), logk(id), idx(id))
  redis.call('ZREM', P .. 'active', id)
  redis.call('ZREM', P .. 'sizes', id)
  if b ~= 0 then redis.call('DECRBY', P .. 'total', b) end
end

local function sweep(limit)
  local old = redis.call('ZRANGEBYSCORE', P .. 'active', '-inf', now - ttl, 'LIMIT', 0, limit)
  for _, id in ipairs(old) do forget(id) end
  return #old
end

-- live: marks it active now and returns true; idle or gone: forgets it and returns false
local function touch(id)
  local a = redis.call('ZSCORE', P .. 'active', id)
  if not a or now - tonumber(a) >= ttl or redis.call('EXISTS', meta(id)) == 0 then
    forget(id)
    return false
  end
  redis.call('ZADD', P .. 'active', now, id)
  redis.call('PEXPIRE', meta(id), backstop)
  redis.call('PEXPIRE', logk(id), backstop)
  redis.call('PEXPIRE', idx(id), backstop)
  return true
end

local function resize(id, delta)
  redis.call('HINCRBY', meta(id), 'bytes', delta)
  redis.call('ZINCRBY', P .. 'sizes', delta, id)
  redis.call('INCRBY', P .. 'total', delta)
end

-- drops the oldest activity of a conversation; false when it has none (or is gone)
local function dropOldest(id)
  if redis.call('EXISTS', meta(id)) == 0 then return false end
  local popped = redis.call('ZPOPMIN', logk(id))
  if #popped == 0 then return false end
  resize(id, -#popped[1])
  redis.call('HDEL', idx(id), cjson.decode(popped[1]).id)
  return true
end

-- appends json at position seq within the conversation's budget and the total; the largest logs give first
local function push(id, seq, aid, json, maxActs, maxBytes, maxTotal)
  local bytes = #json
  while true do
    local count = redis.call('ZCARD', logk(id))
    local own = tonumber(redis.call('HGET', meta(id), 'bytes') or '0')
    if count == 0 or (count < maxActs and own + bytes <= maxBytes) then break end
    dropOldest(id)
  end
  while tonumber(redis.call('GET', P .. 'total') or '0') + bytes > maxTotal do
    local top = redis.call('ZREVRANGE', P .. 'sizes', 0, 0)
    if #top == 0 then break end
    if not dropOldest(top[1]) then
      -- nothing left to give (or gone): its recorded size is stale
      local stale = tonumber(redis.call('ZSCORE', P .. 'sizes', top[1]) or '0')
      redis.call('ZREM', P .. 'sizes', top[1])
      redis.call('DECRBY', P .. 'total', stale)
      if stale == 0 then break end
    end
  end
  redis.call('HSET', meta(id), 'seq', seq)
  redis.call('ZADD', logk(id), seq, json)
  redis.call('HSET', idx(id), aid, seq)
  resize(id, bytes)
  redis.call('PEXPIRE', logk(id), backstop)
  redis.call('PEXPIRE', idx(id), backstop)
  redis.call('PUBLISH', P .. 'bell:' .. id, seq)
end
`;

const script = (name: string, body: string): LuaScript => new LuaScript(`directline.${name}`, `${COMMON}\n${body}`);

/** ARGV[5] id, ARGV[6] max conversations. {1} made; {0, retryAfterMs} full; {2} the id is taken. */
export const CREATE = script(
  'create',
  `
local id = ARGV[5]
sweep(100)
if redis.call('ZCOUNT', P .. 'active', '(' .. (now - ttl), '+inf') >= tonumber(ARGV[6]) then
  local oldest = redis.call('ZRANGEBYSCORE', P .. 'active', '(' .. (now - ttl), '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
  return {0, oldest[2] and (tonumber(oldest[2]) + ttl - now) or ttl}
end
if redis.call('EXISTS', meta(id)) == 1 then return {2} end
redis.call('HSET', meta(id), 'created', now, 'started', 0, 'seq', 0, 'bytes', 0)
redis.call('PEXPIRE', meta(id), backstop)
redis.call('ZADD', P .. 'active', now, id)
redis.call('ZADD', P .. 'sizes', 0, id)
return {1}
`,
);

/** ARGV[5] id. {created, started, lastActive} or {} when gone. */
export const GET = script(
  'get',
  `
local id = ARGV[5]
if not touch(id) then return {} end
local m = redis.call('HMGET', meta(id), 'created', 'started')
return {m[1], m[2], tostring(now)}
`,
);

/** ARGV[5] id. 1 for the one caller that started it, else 0. */
export const MARK_STARTED = script(
  'markStarted',
  `
local id = ARGV[5]
if not touch(id) then return 0 end
if redis.call('HGET', meta(id), 'started') == '1' then return 0 end
redis.call('HSET', meta(id), 'started', 1)
return 1
`,
);

/**
 * ARGV[5] id, ARGV[6] the activity's JSON without its id (an object of at least one field),
 * ARGV[7] max activities, ARGV[8] max bytes, ARGV[9] max total bytes.
 * {1, json} appended with id `<conversation>|<position, 7 digits>`; {0} gone; {-1, bytes} too large.
 */
export const APPEND = script(
  'append',
  `
local id = ARGV[5]
if not touch(id) then return {0} end
local seq = tonumber(redis.call('HGET', meta(id), 'seq')) + 1
local aid = id .. '|' .. string.format('%07d', seq)
local json = '{"id":"' .. aid .. '",' .. string.sub(ARGV[6], 2)
if #json > tonumber(ARGV[8]) then return {-1, #json} end
push(id, seq, aid, json, tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9]))
return {1, json}
`,
);

/** ARGV[5] id, ARGV[6] activity id. {position, json} of the activity, or {} when there is none. */
export const FIND = script(
  'find',
  `
local id = ARGV[5]
if not touch(id) then return {} end
local seq = redis.call('HGET', idx(id), ARGV[6])
if not seq then return {} end
local found = redis.call('ZRANGEBYSCORE', logk(id), seq, seq)
if #found == 0 then return {} end
return {seq, found[1]}
`,
);

/**
 * ARGV[5] id, ARGV[6] activity id, ARGV[7] its position when read, ARGV[8] the new JSON (with the
 * id), ARGV[9..11] the budgets as for APPEND. Moves it to the log's end. {1} done; {0} gone;
 * {2} changed since read (read again); {-1, bytes} too large.
 */
export const REPLACE = script(
  'replace',
  `
local id = ARGV[5]
if not touch(id) then return {0} end
local old = ARGV[7]
if redis.call('HGET', idx(id), ARGV[6]) ~= old then return {2} end
local json = ARGV[8]
if #json > tonumber(ARGV[10]) then return {-1, #json} end
local previous = redis.call('ZRANGEBYSCORE', logk(id), old, old)
redis.call('ZREMRANGEBYSCORE', logk(id), old, old)
if previous[1] then resize(id, -#previous[1]) end
local seq = tonumber(redis.call('HGET', meta(id), 'seq')) + 1
push(id, seq, ARGV[6], json, tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11]))
return {1}
`,
);

/** ARGV[5] id, ARGV[6] activity id. 1 deleted, 0 not there. */
export const DELETE_ACTIVITY = script(
  'deleteActivity',
  `
local id = ARGV[5]
if not touch(id) then return 0 end
local seq = redis.call('HGET', idx(id), ARGV[6])
if not seq then return 0 end
local found = redis.call('ZRANGEBYSCORE', logk(id), seq, seq)
redis.call('ZREMRANGEBYSCORE', logk(id), seq, seq)
redis.call('HDEL', idx(id), ARGV[6])
if found[1] then resize(id, -#found[1]) end
return 1
`,
);

/** ARGV[5] id, ARGV[6] watermark, ARGV[7] limit. {} gone; else {watermark, json1, json2 …}. */
export const AFTER = script(
  'after',
  `
local id = ARGV[5]
if not touch(id) then return {} end
local page = redis.call('ZRANGEBYSCORE', logk(id), '(' .. ARGV[6], '+inf', 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[7]))
local out = {redis.call('HGET', meta(id), 'seq')}
for i = 1, #page, 2 do out[#out + 1] = page[i] end
if #page > 0 then out[1] = page[#page] end
return out
`,
);

/** ARGV[5] id. 1 deleted, 0 not there. */
export const DELETE = script(
  'delete',
  `
local id = ARGV[5]
local existed = redis.call('EXISTS', meta(id))
forget(id)
return existed
`,
);

/** {live conversations, total bytes}, after a sweep. */
export const USAGE = script(
  'usage',
  `
sweep(1000)
return {redis.call('ZCOUNT', P .. 'active', '(' .. (now - ttl), '+inf'), tonumber(redis.call('GET', P .. 'total') or '0')}
`,
);

/** ARGV[5] at most this many. How many idle conversations were forgotten. */
export const SWEEP = script(
  'sweep',
  `
return sweep(tonumber(ARGV[5]))
`,
);
