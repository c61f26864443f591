import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CacheId, Cid, RecipeId } from '../../src/dag/ids.js'
import {
  ContentInUseError, ContentPublishedError, InvalidRecordError, createAnalysisCache, createAssetStore, createCacheIndex,
  createContentIndex, createRecipeStore, type StoredRecipe
} from '../../src/state/index.js'
import { CID_A, CID_B, cacheId, hexId, testState, type TestState } from './helpers.js'

function recipe (name: string, createdAt: string): StoredRecipe {
  return { id: hexId() as RecipeId, name, yaml: `name: ${name}\n`, variableInputs: [], createdAt }
}

describe('state stores', () => {
  let state: TestState
  beforeEach(() => { state = testState() })
  afterEach(async () => { await state.cleanup() })

  describe('cache index', () => {
    it('should map cache ids to CIDs, many at once, and scan every entry', async () => {
      const index = createCacheIndex(state)
      const ids = Array.from({ length: 1200 }, () => cacheId())
      await Promise.all(ids.map(async (id, i) => { await index.set(id, i % 2 === 0 ? CID_A : CID_B) }))
      const unknown = cacheId()
      expect(await index.getMany([ids[1] as CacheId, unknown, ids[0] as CacheId])).toEqual([CID_B, undefined, CID_A])
      expect(await index.count()).toBe(1200)
      const seen = new Map<CacheId, Cid>()
      let cursor = '0'
      do {
        const batch = await index.entries(cursor, 300)
        for (const e of batch.entries) seen.set(e.cacheId, e.cid)
        cursor = batch.cursor
      } while (cursor !== '0')
      expect(seen.size).toBe(1200)
      expect(seen.get(ids[3] as CacheId)).toBe(CID_B)
      await index.delete(ids[0] as CacheId)
      expect(await index.get(ids[0] as CacheId)).toBeUndefined()
    })
  })

  describe('recipe store', () => {
    it('should be idempotent by id and resolve names to the latest upload', async () => {
      const recipes = createRecipeStore(state)
      const v1 = recipe('dog-video', '2026-01-01T00:00:00Z')
      const v2 = recipe('dog-video', '2026-01-02T00:00:00Z')
      expect(await recipes.put(v1)).toEqual({ created: true, recipe: v1 })
      expect(await recipes.put({ ...v1, description: 'changed' })).toEqual({ created: false, recipe: v1 })
      await recipes.put(v2)
      expect((await recipes.getByName('dog-video'))?.id).toBe(v2.id)
      expect((await recipes.resolve(v1.id))?.id).toBe(v1.id)
      expect((await recipes.resolve('dog-video'))?.id).toBe(v2.id)
      expect(await recipes.resolve('nothing')).toBeUndefined()
      const page = await recipes.list({ limit: 10 })
      expect(page.total).toBe(2)
      expect(page.items.map((r) => r.id)).toEqual([v2.id, v1.id])
      expect(await recipes.delete(v2.id)).toBe(true)
      expect((await recipes.getByName('dog-video'))?.id).toBe(v1.id)
      expect(await recipes.delete(v1.id)).toBe(true)
      expect(await recipes.getByName('dog-video')).toBeUndefined()
      expect(await recipes.delete(v1.id)).toBe(false)
    })

    it('should reject a recipe without a name or a creation date', async () => {
      const recipes = createRecipeStore(state)
      const noName = recipe(' ', '2026-01-01T00:00:00Z')
      await expect(recipes.put(noName)).rejects.toThrow(new InvalidRecordError(`recipe ${noName.id}: name must not be empty`))
      const noDate = recipe('x', 'soon')
      await expect(recipes.put(noDate)).rejects.toThrow(new InvalidRecordError(`recipe ${noDate.id}: createdAt "soon" is not an ISO date`))
    })
  })

  describe('asset store', () => {
    it('should store, list by name, replace and delete assets', async () => {
      const assets = createAssetStore(state)
      const createdAt = new Date().toISOString()
      await assets.put({ name: 'dog', cid: CID_A, mediaType: 'image/png', createdAt })
      await assets.put({ name: 'cat', cid: CID_B, createdAt })
      expect((await assets.list()).map((a) => a.name)).toEqual(['cat', 'dog'])
      await assets.put({ name: 'dog', cid: CID_B, createdAt })
      expect((await assets.get('dog'))?.cid).toBe(CID_B)
      expect(await assets.delete('dog')).toBe(true)
      expect(await assets.get('dog')).toBeUndefined()
      await expect(assets.put({ name: '', cid: CID_A, createdAt })).rejects.toThrow(new InvalidRecordError('asset name must not be empty'))
    })
  })

  describe('content index', () => {
    it('should list content newest first and count the runs that use it', async () => {
      const content = createContentIndex(state)
      await content.add(CID_A, { size: 10, mediaType: 'video/mp4', addedAt: '2026-01-01T00:00:00Z' })
      await content.add(CID_B, { size: 20, mediaType: 'image/png', name: 'dog.png', addedAt: '2026-01-02T00:00:00Z' })
      const page = await content.list({ limit: 5 })
      expect(page.total).toBe(2)
      expect(page.items).toEqual([
        { cid: CID_B, size: 20, mediaType: 'image/png', name: 'dog.png', addedAt: '2026-01-02T00:00:00Z' },
        { cid: CID_A, size: 10, mediaType: 'video/mp4', addedAt: '2026-01-01T00:00:00Z' }
      ])
      expect(await Promise.all(Array.from({ length: 10 }, async () => await content.addRef(CID_A)))).toContain(10)
      expect(await content.refs(CID_A)).toBe(10)
      expect(await content.removeRef(CID_A)).toBe(9)
      await expect(content.remove(CID_A)).rejects.toThrow(
        new ContentInUseError(`content ${CID_A} is an input or output of 9 run(s); delete those runs first`))
      for (let i = 0; i < 12; i++) await content.removeRef(CID_A)
      expect(await content.refs(CID_A)).toBe(0)
      expect(await content.remove(CID_A)).toBe(true)
      expect(await content.meta(CID_A)).toBeUndefined()
      expect(await content.remove(CID_A)).toBe(false)
    })

    it('should never remove published content', async () => {
      const content = createContentIndex(state)
      await content.add(CID_B, { size: 1, mediaType: 'image/png' })
      await content.setPublished(CID_B, true)
      expect(await content.isPublished(CID_B)).toBe(true)
      await expect(content.remove(CID_B)).rejects.toThrow(new ContentPublishedError(`content ${CID_B} is published on L2 and cannot be deleted`))
      await content.setPublished(CID_B, false)
      expect(await content.remove(CID_B)).toBe(true)
    })

    it('should reject a negative size', async () => {
      await expect(createContentIndex(state).add(CID_A, { size: -1, mediaType: 'video/mp4' }))
        .rejects.toThrow(new InvalidRecordError(`content ${CID_A}: size must be a whole number of bytes >= 0, got -1`))
    })
  })

  describe('analysis cache', () => {
    it('should keep metadata per CID', async () => {
      const analysis = createAnalysisCache<{ duration: number }>(state)
      expect(await analysis.get(CID_A)).toBeUndefined()
      await analysis.set(CID_A, { duration: 1.5 })
      expect(await analysis.get(CID_A)).toEqual({ duration: 1.5 })
      await analysis.delete(CID_A)
      expect(await analysis.get(CID_A)).toBeUndefined()
    })
  })
})
