import { existsSync } from 'node:fs'
import type { Cid } from './dag/index.js'
import type { AssetRecord } from './state/index.js'
import type { ContentStore } from './store/index.js'
import type { Logger } from './util/index.js'
import { configPath } from './util/index.js'

/** The sample media bundled in config/assets, registered on first start so `artdag render dog cat` works */
export const SAMPLE_ASSETS: ReadonlyArray<{ name: string, file: string, mediaType: string }> = [
  { name: 'cat', file: 'cat.png', mediaType: 'image/png' },
  { name: 'dog', file: 'dog.png', mediaType: 'image/png' },
  { name: 'cat-clip', file: 'cat.mp4', mediaType: 'video/mp4' },
  // small proxies of the cat and its clip: the effect previews of the /effects page are runs on these
  { name: 'cat-small', file: 'cat-small.png', mediaType: 'image/png' },
  { name: 'cat-clip-small', file: 'cat-small.mp4', mediaType: 'video/mp4' }
]

export interface SampleAssetComponents {
  store: Pick<ContentStore, 'addFile' | 'pin' | 'hold'>
  assets: { get(name: string): Promise<AssetRecord | undefined>, put(asset: AssetRecord): Promise<void> }
  content: { add(cid: Cid, meta: { size: number, mediaType: string, name?: string, addedAt?: string }): Promise<unknown> }
  logger: Logger
}

export async function registerSampleAssets (components: SampleAssetComponents): Promise<number> {
  const log = components.logger.child({ component: 'assets' })
  let added = 0
  for (const sample of SAMPLE_ASSETS) {
    if (await components.assets.get(sample.name) != null) continue
    const path = configPath('assets', sample.file)
    if (!existsSync(path)) {
      log.warn({ path }, 'sample asset missing; run scripts/make-sample-media.sh')
      continue
    }
    const hold = components.store.hold()
    let stored: { cid: Cid, size: number }
    try {
      stored = await components.store.addFile(path, { hold })
      await components.store.pin(stored.cid, 'asset')
    } finally {
      hold.release()
    }
    const { cid, size } = stored
    const now = new Date().toISOString()
    await components.assets.put({ name: sample.name, cid, mediaType: sample.mediaType, size, createdAt: now })
    await components.content.add(cid, { size, mediaType: sample.mediaType, name: sample.name, addedAt: now })
    added++
  }
  if (added > 0) log.info({ added }, 'registered sample assets')
  return added
}
