import type { CacheId, Cid } from '../dag/index.js'
import type { Logger } from '../util/index.js'
import { CACHE_SCAN_COUNT } from './constants.js'
import type { CacheIndexPort } from './ports.js'

export interface DamagedContentComponents {
  cacheIndex: CacheIndexPort
  /**
   * forgets a step's result wherever it is kept (the index entry and the orchestrator's kept job);
   * without it only the index entry is deleted
   */
  forgetStep?: (cacheId: CacheId) => Promise<void>
  logger: Logger
}

/**
 * What the node does when the store finds content damaged on disk (the bad block is already dropped):
 * every step whose result was that content is forgotten, so the next run that needs it renders it
 * again (or fetches it from a peer) instead of finding bytes that can no longer be read.
 * Returns how many steps were forgotten.
 */
export function createDamageHandler (components: DamagedContentComponents): (event: { cid: Cid, block: string }) => Promise<number> {
  const log = components.logger.child({ component: 'content:damage' })
  return async ({ cid, block }) => {
    const steps: CacheId[] = []
    let cursor = '0'
    do {
      const page = await components.cacheIndex.entries(cursor, CACHE_SCAN_COUNT)
      for (const entry of page.entries) if (entry.cid === cid) steps.push(entry.cacheId)
      cursor = page.cursor
    } while (cursor !== '0')
    for (const cacheId of steps) {
      if (components.forgetStep != null) await components.forgetStep(cacheId)
      else await components.cacheIndex.delete(cacheId)
    }
    log.error({ cid, block, forgottenSteps: steps.length }, 'content damaged on disk: its block was dropped and the steps that produced it forgotten')
    return steps.length
  }
}
