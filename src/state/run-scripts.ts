import { luaScript } from './lua.js'

/**
 * A run is a header hash (`run:<id>`) plus one hash per step (`run:<id>:step:<step id>`); the header's
 * `stepIds` field is the JSON list of step ids in plan order. Scripts take field lists as JSON arrays of
 * [field, value, field, value...] so one script fits every record shape.
 */

/** status sets live under this prefix, one per status: `<prefix><status>` */
const STATUS_SET = "ARGV[1] .. 'runs:status:'"

/**
 * Creates a run unless its id exists. KEYS: header, runsByTime, then each step key. ARGV: key prefix, id,
 * score, status, header fields (JSON), then each step's fields (JSON). 1 when created, 0 when it existed.
 * The caller's 201 or 200 is decided here, atomically.
 */
export const CREATE_RUN = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(cjson.decode(ARGV[5])))
for i = 3, #KEYS do
  redis.call('DEL', KEYS[i])
  redis.call('HSET', KEYS[i], unpack(cjson.decode(ARGV[i + 3])))
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
redis.call('ZADD', ${STATUS_SET} .. ARGV[4], ARGV[3], ARGV[2])
return 1`)

/**
 * Replaces a failed or cancelled run with a fresh record (a retry). KEYS as CREATE_RUN; ARGV as CREATE_RUN.
 * 1 when replaced, 0 when the run is not failed or cancelled (anymore), -1 when it does not exist.
 */
export const RESTART_RUN = luaScript(`
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return -1 end
if status ~= 'failed' and status ~= 'cancelled' then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(cjson.decode(ARGV[5])))
for i = 3, #KEYS do
  redis.call('DEL', KEYS[i])
  redis.call('HSET', KEYS[i], unpack(cjson.decode(ARGV[i + 3])))
end
redis.call('ZREM', ${STATUS_SET} .. status, ARGV[2])
redis.call('ZADD', ${STATUS_SET} .. ARGV[4], ARGV[3], ARGV[2])
return 1`)

/**
 * Changes header fields, only while the status is one of the given ones (none given: any). KEYS: header,
 * runsByTime. ARGV: key prefix, id, fields (JSON), fields to remove (JSON), allowed statuses (JSON).
 * 1 when written, 0 when the status did not allow it, -1 when the run does not exist.
 */
export const UPDATE_RUN = luaScript(`
local current = redis.call('HGET', KEYS[1], 'status')
if not current then return -1 end
local allowed = cjson.decode(ARGV[5])
if #allowed > 0 then
  local ok = false
  for _, s in ipairs(allowed) do if s == current then ok = true end end
  if not ok then return 0 end
end
local fields = cjson.decode(ARGV[3])
if #fields > 0 then redis.call('HSET', KEYS[1], unpack(fields)) end
local gone = cjson.decode(ARGV[4])
if #gone > 0 then redis.call('HDEL', KEYS[1], unpack(gone)) end
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= current then
  local score = redis.call('ZSCORE', KEYS[2], ARGV[2])
  redis.call('ZREM', ${STATUS_SET} .. current, ARGV[2])
  if score then redis.call('ZADD', ${STATUS_SET} .. status, score, ARGV[2]) end
end
return 1`)

/**
 * One step change: one HSET. KEYS: step. ARGV: fields (JSON), '1' for a progress change (running), which
 * never moves a step out of a final status. The step's fields after the write, or nil when not written.
 */
export const UPDATE_STEP = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
if ARGV[2] == '1' then
  local s = redis.call('HGET', KEYS[1], 'status')
  if s == 'completed' or s == 'cached' or s == 'failed' or s == 'cancelled' then return false end
end
redis.call('HSET', KEYS[1], unpack(cjson.decode(ARGV[1])))
return redis.call('HGETALL', KEYS[1])`)

/**
 * Whole runs in one round trip. KEYS: headers. For each: {} when gone, else {header fields, step 1 fields, ...}.
 */
export const READ_RUNS = luaScript(`
local out = {}
for i = 1, #KEYS do
  local header = redis.call('HGETALL', KEYS[i])
  local run = {}
  if #header > 0 then
    run[1] = header
    local ids = cjson.decode(redis.call('HGET', KEYS[i], 'stepIds') or '[]')
    for j, id in ipairs(ids) do run[j + 1] = redis.call('HGETALL', KEYS[i] .. ':step:' .. id) end
  end
  out[i] = run
end
return out`)

/** KEYS: header, plan, runsByTime. ARGV: key prefix, id. Removes the run, its steps and index entries; 1 if it existed. */
export const DELETE_RUN = luaScript(`
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 0 end
local ids = cjson.decode(redis.call('HGET', KEYS[1], 'stepIds') or '[]')
for _, id in ipairs(ids) do redis.call('DEL', KEYS[1] .. ':step:' .. id) end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[2])
redis.call('ZREM', ${STATUS_SET} .. status, ARGV[2])
return 1`)
