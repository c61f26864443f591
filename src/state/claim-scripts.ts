import { luaScript } from './lua.js'

/**
 * Claim-or-hint. KEYS: claim, step error, cache index. ARGV: worker, lease ms, cache id.
 * 0 when another worker owns the step. When won: the cache index entry of the step (a CID someone
 * finished meanwhile), or 1 when there is none. A new attempt clears the error of the previous one.
 */
export const CLAIM = luaScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  redis.call('DEL', KEYS[2])
  local indexed = redis.call('HGET', KEYS[3], ARGV[3])
  if indexed then return indexed end
  return 1
end
return 0`)

/** KEYS: claim. ARGV: worker, lease ms. Extends the lease only while the worker still owns the claim. */
export const RENEW = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`)

/** KEYS: claim. ARGV: worker. Deletes the claim only if the worker owns it. */
export const RELEASE = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`)

/**
 * Publish-result, optionally releasing the claim in the same step (the outcome is always written
 * before the claim goes, as waiters assume). KEYS: cache index (a CID) or step error key (an error),
 * claim. ARGV: 'cid' | 'error', cache id, CID or message, channel, announcement, worker ('' keeps
 * the claim), error TTL ms. 1 when the claim was released.
 */
export const PUBLISH_RESULT = luaScript(`
if ARGV[1] == 'cid' then
  redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
else
  redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[7])
end
redis.call('PUBLISH', ARGV[4], ARGV[5])
if ARGV[6] ~= '' and redis.call('GET', KEYS[2]) == ARGV[6] then
  redis.call('DEL', KEYS[2])
  return 1
end
return 0`)
