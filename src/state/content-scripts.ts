import { luaScript } from './lua.js'

/** KEYS: refs hash. ARGV: cid, delta. Keeps `{"runs": n}`, never below 0 (the field goes at 0). Returns n. */
export const CHANGE_REF = luaScript(`
local text = redis.call('HGET', KEYS[1], ARGV[1])
local n = 0
if text then n = cjson.decode(text).runs or 0 end
n = n + tonumber(ARGV[2])
if n <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode({runs = n}))
return n`)

/**
 * Removes content from the listing unless a run uses it or it is published; checked and done in
 * one step so an addRef cannot slip in between. KEYS: byTime, meta, refs, published. ARGV: cid.
 * Returns {1} removed, {0} unknown, {-1, runs} referenced, {-2} published.
 */
export const REMOVE_CONTENT = luaScript(`
local text = redis.call('HGET', KEYS[3], ARGV[1])
if text then
  local n = cjson.decode(text).runs or 0
  if n > 0 then return {-1, n} end
end
if redis.call('HEXISTS', KEYS[4], ARGV[1]) == 1 then return {-2} end
local removed = redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return {removed}`)
