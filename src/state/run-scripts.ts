import { luaScript } from './lua.js'

/** KEYS: run, runsByTime, runsByStatus(status). ARGV: json, id, score. Nil if created, else the stored JSON. */
export const CREATE_RUN = luaScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
  return false
end
return redis.call('GET', KEYS[1])`)

/**
 * Compare-and-set of a run and its indexes. KEYS: run, runsByTime, old status set, new status set.
 * ARGV: SHA-1 (hex) of the expected JSON, new JSON, id, score. 1 when written; when another writer changed the run
 * first, the JSON stored now (so the retry needs no extra GET); nil when the run does not exist.
 */
export const UPDATE_RUN = luaScript(`
local current = redis.call('GET', KEYS[1])
if not current then return false end
if redis.sha1hex(current) ~= ARGV[1] then return current end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
if KEYS[3] ~= KEYS[4] then redis.call('ZREM', KEYS[3], ARGV[3]) end
redis.call('ZADD', KEYS[4], ARGV[4], ARGV[3])
return 1`)

/** KEYS: run, plan, runsByTime, then every status set. ARGV: id. Returns 1 if the run existed. */
export const DELETE_RUN = luaScript(`
local existed = redis.call('DEL', KEYS[1])
redis.call('DEL', KEYS[2])
for i = 3, #KEYS do redis.call('ZREM', KEYS[i], ARGV[1]) end
return existed`)
