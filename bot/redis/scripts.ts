import { LuaScript } from './luaScript.js';

/**
 * State write with compare-and-set on the eTag, for every key of one write at once.
 * KEYS: the state keys. ARGV[1]: TTL in ms (0: none); then per key: expected eTag ('' for an
 * unconditional write), new eTag, JSON value. Every eTag is checked before anything is written,
 * so a conflict leaves all keys as they were. A missing (or expired) key matches any eTag, as in
 * LowdbStorage and MemoryStorage. Returns {0} when written, {index, storedETag} on a conflict.
 */
export const STATE_WRITE = new LuaScript(
  'stateWrite',
  `
local ttl = tonumber(ARGV[1])
for i = 1, #KEYS do
  local expected = ARGV[(i - 1) * 3 + 2]
  if expected ~= '' then
    local stored = redis.call('HGET', KEYS[i], 'e')
    if stored and stored ~= expected then
      return {i, stored}
    end
  end
end
for i = 1, #KEYS do
  local base = (i - 1) * 3 + 2
  redis.call('HSET', KEYS[i], 'e', ARGV[base + 1], 'v', ARGV[base + 2])
  if ttl > 0 then
    redis.call('PEXPIRE', KEYS[i], ttl)
  else
    redis.call('PERSIST', KEYS[i])
  end
end
return {0}
`,
);

/** Lock renewal: KEYS[1] the lock, ARGV[1] the holder's token, ARGV[2] ms. 1 if still ours and extended, else 0. */
export const LOCK_RENEW = new LuaScript(
  'lockRenew',
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`,
);

/** Lock release by compare-and-delete: KEYS[1] the lock, ARGV[1] the holder's token. 1 if deleted, 0 if not ours (any more). */
export const LOCK_RELEASE = new LuaScript(
  'lockRelease',
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`,
);
