import type { Redis } from 'ioredis'
import { isHexId, type RecipeId } from '../dag/index.js'
import { InvalidRecordError } from './errors.js'
import type { RedisKeys } from './keys.js'
import { luaScript } from './lua.js'
import { pageOfSortedSet, type PageOptions } from './paging.js'
import type { StateComponents } from './run-store.js'
import type { Page, StoredRecipe } from './types.js'

/** a recipe's JSON by id (when ARGV[3] says it may be one), else by name (KEYS[1] maps names to ids); ARGV[2] is a recipe key without its id */
const RESOLVE_RECIPE = luaScript(`
if ARGV[3] == '1' then
  local byId = redis.call('GET', ARGV[2] .. ARGV[1])
  if byId then return byId end
end
local id = redis.call('HGET', KEYS[1], ARGV[1])
if not id then return false end
return redis.call('GET', ARGV[2] .. id)
`)

/** Uploaded recipes: by id (content-addressed), and by name (latest upload of that name) */
export interface RecipeStore {
  /** idempotent by id: a second put of the same id changes nothing and returns the stored record */
  put(recipe: StoredRecipe): Promise<{ created: boolean, recipe: StoredRecipe }>
  get(id: RecipeId): Promise<StoredRecipe | undefined>
  getByName(name: string): Promise<StoredRecipe | undefined>
  /** an id (64 hex) is looked up as an id first, anything else (or an unknown id) as a name */
  resolve(idOrName: string): Promise<StoredRecipe | undefined>
  /** newest upload first */
  list(options?: PageOptions): Promise<Page<StoredRecipe>>
  /** removes the recipe; its name then points at the newest other upload of that name, if any */
  delete(id: RecipeId): Promise<boolean>
}

export function createRecipeStore (components: StateComponents): RecipeStore {
  return new RedisRecipeStore(components.redis, components.keys)
}

class RedisRecipeStore implements RecipeStore {
  constructor (private readonly redis: Redis, private readonly keys: RedisKeys) {}

  async put (recipe: StoredRecipe): Promise<{ created: boolean, recipe: StoredRecipe }> {
    const score = Date.parse(recipe.createdAt)
    if (Number.isNaN(score)) throw new InvalidRecordError(`recipe ${recipe.id}: createdAt "${recipe.createdAt}" is not an ISO date`)
    if (recipe.name.trim() === '') throw new InvalidRecordError(`recipe ${recipe.id}: name must not be empty`)
    const stored = await this.redis.set(this.keys.recipe(recipe.id), JSON.stringify(recipe), 'NX')
    if (stored !== 'OK') {
      const existing = await this.get(recipe.id)
      if (existing != null) return { created: false, recipe: existing }
      // deleted between the two calls: store it after all, never index a record that is not there
      await this.redis.set(this.keys.recipe(recipe.id), JSON.stringify(recipe))
    }
    await this.redis.multi()
      .zadd(this.keys.recipes(), score, recipe.id)
      .hset(this.keys.recipeNames(), recipe.name, recipe.id)
      .exec()
    return { created: true, recipe }
  }

  async get (id: RecipeId): Promise<StoredRecipe | undefined> {
    const text = await this.redis.get(this.keys.recipe(id))
    return text == null ? undefined : JSON.parse(text) as StoredRecipe
  }

  async getByName (name: string): Promise<StoredRecipe | undefined> {
    const id = await this.redis.hget(this.keys.recipeNames(), name)
    return id == null ? undefined : await this.get(id as RecipeId)
  }

  async resolve (idOrName: string): Promise<StoredRecipe | undefined> {
    // one round trip: a run's submission resolves its recipe before anything else can start
    const text = await RESOLVE_RECIPE.run(this.redis, [this.keys.recipeNames()],
      [idOrName, this.keys.recipe('' as RecipeId), isHexId(idOrName) ? '1' : '0']) as string | null
    return text == null ? undefined : JSON.parse(text) as StoredRecipe
  }

  async list (options: PageOptions = {}): Promise<Page<StoredRecipe>> {
    return await pageOfSortedSet<StoredRecipe>(this.redis, this.keys.recipes(), (id) => this.keys.recipe(id as RecipeId), options)
  }

  async delete (id: RecipeId): Promise<boolean> {
    const recipe = await this.get(id)
    const [removed] = await Promise.all([this.redis.del(this.keys.recipe(id)), this.redis.zrem(this.keys.recipes(), id)])
    if (recipe != null && await this.redis.hget(this.keys.recipeNames(), recipe.name) === id) {
      const successor = await this.newestNamed(recipe.name)
      if (successor == null) await this.redis.hdel(this.keys.recipeNames(), recipe.name)
      else await this.redis.hset(this.keys.recipeNames(), recipe.name, successor)
    }
    return removed === 1
  }

  /** newest remaining upload of a name: a scan of the recipe list (recipes are few; deletes are rare) */
  private async newestNamed (name: string): Promise<RecipeId | undefined> {
    for (let offset = 0; ; offset += 200) {
      const page = await this.list({ offset, limit: 200 })
      const hit = page.items.find((r) => r.name === name)
      if (hit != null) return hit.id
      if (offset + 200 >= page.total) return undefined
    }
  }
}
