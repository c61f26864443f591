import type { Redis } from 'ioredis'
import type { Cid } from '../dag/index.js'
import { CHANGE_REF, REMOVE_CONTENT } from './content-scripts.js'
import { ContentInUseError, ContentPublishedError, InvalidRecordError } from './errors.js'
import type { RedisKeys } from './keys.js'
import { checkPage, type PageOptions } from './paging.js'
import type { StateComponents } from './run-store.js'
import type { Page } from './types.js'

export interface ContentMeta {
  size: number
  mediaType: string
  name?: string
  /** ISO time; set by add() when missing */
  addedAt: string
}

export interface ContentEntry extends ContentMeta {
  cid: Cid
}

/** Content listed by GET /cache (uploads and outputs), with the counts the deletion rules need */
export interface ContentIndex {
  /**
   * lists the CID; the first addition wins (its place and metadata stay: a later uploader of the same bytes
   * changes neither type nor name). `created` is false when the CID was listed already.
   */
  add(cid: Cid, meta: Omit<ContentMeta, 'addedAt'> & { addedAt?: string }): Promise<{ entry: ContentEntry, created: boolean }>
  /** newest first */
  list(options?: PageOptions): Promise<Page<ContentEntry>>
  meta(cid: Cid): Promise<ContentEntry | undefined>
  /** one more run uses the CID as input or output; returns the new count */
  addRef(cid: Cid): Promise<number>
  /** one run fewer (a deleted run); never below 0; returns the new count */
  removeRef(cid: Cid): Promise<number>
  refs(cid: Cid): Promise<number>
  /** remembers L2's answer that the CID is published (published content is never removed) */
  setPublished(cid: Cid, published: boolean): Promise<void>
  isPublished(cid: Cid): Promise<boolean>
  /**
   * Removes the CID from the listing; false if it was not listed. Throws ContentInUseError while
   * runs use it and ContentPublishedError when it is published.
   */
  remove(cid: Cid): Promise<boolean>
}

export function createContentIndex (components: StateComponents): ContentIndex {
  return new RedisContentIndex(components.redis, components.keys)
}

class RedisContentIndex implements ContentIndex {
  constructor (private readonly redis: Redis, private readonly keys: RedisKeys) {}

  async add (cid: Cid, meta: Omit<ContentMeta, 'addedAt'> & { addedAt?: string }): Promise<{ entry: ContentEntry, created: boolean }> {
    const addedAt = meta.addedAt ?? new Date().toISOString()
    const score = Date.parse(addedAt)
    if (Number.isNaN(score)) throw new InvalidRecordError(`content ${cid}: addedAt "${addedAt}" is not an ISO date`)
    if (!Number.isInteger(meta.size) || meta.size < 0) {
      throw new InvalidRecordError(`content ${cid}: size must be a whole number of bytes >= 0, got ${String(meta.size)}`)
    }
    // one transaction: of two concurrent adds of the same CID exactly one creates it, the other reads its entry
    const results = await this.redis.multi()
      .zadd(this.keys.contentByTime(), 'NX', score, cid)
      .hsetnx(this.keys.contentMeta(), cid, JSON.stringify({ ...meta, addedAt }))
      .hget(this.keys.contentMeta(), cid)
      .exec()
    const failed = results?.find(([err]) => err != null)?.[0]
    if (failed != null) throw failed
    const [, [, created] = [], [, text] = []] = results ?? []
    if (typeof text !== 'string') throw new InvalidRecordError(`content ${cid}: its entry could not be read back`)
    return { entry: { cid, ...JSON.parse(text) as ContentMeta }, created: created === 1 }
  }

  async list (options: PageOptions = {}): Promise<Page<ContentEntry>> {
    const { offset, limit } = checkPage(options)
    const [cids, total] = await Promise.all([
      this.redis.zrevrange(this.keys.contentByTime(), offset, offset + limit - 1),
      this.redis.zcard(this.keys.contentByTime())
    ])
    if (cids.length === 0) return { items: [], total, offset, limit }
    const metas = await this.redis.hmget(this.keys.contentMeta(), ...cids)
    const items: ContentEntry[] = []
    cids.forEach((cid, i) => {
      const text = metas[i]
      if (text != null) items.push({ cid: cid as Cid, ...JSON.parse(text) as ContentMeta })
    })
    return { items, total, offset, limit }
  }

  async meta (cid: Cid): Promise<ContentEntry | undefined> {
    const text = await this.redis.hget(this.keys.contentMeta(), cid)
    return text == null ? undefined : { cid, ...JSON.parse(text) as ContentMeta }
  }

  async addRef (cid: Cid): Promise<number> {
    return Number(await CHANGE_REF.run(this.redis, [this.keys.contentRefs()], [cid, 1]))
  }

  async removeRef (cid: Cid): Promise<number> {
    return Number(await CHANGE_REF.run(this.redis, [this.keys.contentRefs()], [cid, -1]))
  }

  async refs (cid: Cid): Promise<number> {
    const text = await this.redis.hget(this.keys.contentRefs(), cid)
    return text == null ? 0 : (JSON.parse(text) as { runs?: number }).runs ?? 0
  }

  async setPublished (cid: Cid, published: boolean): Promise<void> {
    if (published) await this.redis.hset(this.keys.published(), cid, '1')
    else await this.redis.hdel(this.keys.published(), cid)
  }

  async isPublished (cid: Cid): Promise<boolean> {
    return await this.redis.hexists(this.keys.published(), cid) === 1
  }

  async remove (cid: Cid): Promise<boolean> {
    const keys = [this.keys.contentByTime(), this.keys.contentMeta(), this.keys.contentRefs(), this.keys.published()]
    const [code, runs] = await REMOVE_CONTENT.run(this.redis, keys, [cid]) as [number, number?]
    if (code === -1) {
      throw new ContentInUseError(`content ${cid} is an input or output of ${runs ?? 0} run(s); delete those runs first`)
    }
    if (code === -2) throw new ContentPublishedError(`content ${cid} is published on L2 and cannot be deleted`)
    return code === 1
  }
}
