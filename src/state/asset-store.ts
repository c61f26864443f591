import type { Redis } from 'ioredis'
import { InvalidRecordError } from './errors.js'
import type { RedisKeys } from './keys.js'
import type { StateComponents } from './run-store.js'
import type { AssetRecord } from './types.js'

/** Named assets (fixed SOURCE inputs of recipes): name -> CID and a little metadata */
export interface AssetStore {
  /** creates or replaces the asset of that name */
  put(asset: AssetRecord): Promise<void>
  get(name: string): Promise<AssetRecord | undefined>
  /** every asset, sorted by name */
  list(): Promise<AssetRecord[]>
  delete(name: string): Promise<boolean>
}

export function createAssetStore (components: StateComponents): AssetStore {
  return new RedisAssetStore(components.redis, components.keys)
}

class RedisAssetStore implements AssetStore {
  constructor (private readonly redis: Redis, private readonly keys: RedisKeys) {}

  async put (asset: AssetRecord): Promise<void> {
    if (asset.name.trim() === '') throw new InvalidRecordError('asset name must not be empty')
    await this.redis.hset(this.keys.assets(), asset.name, JSON.stringify(asset))
  }

  async get (name: string): Promise<AssetRecord | undefined> {
    const text = await this.redis.hget(this.keys.assets(), name)
    return text == null ? undefined : JSON.parse(text) as AssetRecord
  }

  async list (): Promise<AssetRecord[]> {
    const all = await this.redis.hgetall(this.keys.assets())
    return Object.keys(all).sort().map((name) => JSON.parse(all[name] ?? '{}') as AssetRecord)
  }

  async delete (name: string): Promise<boolean> {
    return await this.redis.hdel(this.keys.assets(), name) === 1
  }
}
