import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { FsBlockstore } from 'blockstore-fs'
import { LevelBlockstore } from 'blockstore-level'
import { FsDatastore } from 'datastore-fs'
import { LevelDatastore } from 'datastore-level'
import { MeshDataDirError } from './errors.js'
import type { StoreBackend } from './constants.js'
import type { Blockstore } from 'interface-blockstore'
import type { Datastore } from 'interface-datastore'

export interface OpenedStores {
  blockstore: Blockstore
  datastore: Datastore
  /** folder of the blockstore (the content store measures its size there) */
  blocksDir: string
  close(): Promise<void>
}

/**
 * A datastore that ignores writes once closed. libp2p's peer store may still save a peer record a
 * moment after stop() returned; without this guard such a late write lands in (or recreates) a data
 * dir that the owner already considers closed, moved or deleted.
 */
function closable (datastore: Datastore): { datastore: Datastore, close(): void } {
  let closed = false
  const proxy = new Proxy(datastore, {
    get (target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver)
      if (typeof value !== 'function') return value
      if (closed && (prop === 'put' || prop === 'delete')) return async (key: unknown) => key
      if (closed && (prop === 'putMany' || prop === 'deleteMany')) return async function * () {}
      return (value as (...args: unknown[]) => unknown).bind(target)
    }
  })
  return { datastore: proxy, close: () => { closed = true } }
}

/** Opens the persistent blockstore + datastore under `<heliaDir>/{blocks,data}` */
export async function openStores (heliaDir: string, backend: StoreBackend): Promise<OpenedStores> {
  const blocksDir = join(heliaDir, 'blocks')
  const dataDir = join(heliaDir, 'data')
  try {
    await mkdir(heliaDir, { recursive: true })
  } catch (err) {
    throw new MeshDataDirError(`cannot use "${heliaDir}" as the Helia data dir: ${(err as Error).message}`)
  }
  if (backend === 'level') {
    const blockstore = new LevelBlockstore(blocksDir)
    const datastore = new LevelDatastore(dataDir)
    await blockstore.open()
    await datastore.open()
    const guard = closable(datastore)
    return { blockstore, datastore: guard.datastore, blocksDir, close: async () => { guard.close(); await blockstore.close(); await datastore.close() } }
  }
  const blockstore = new FsBlockstore(blocksDir)
  const datastore = new FsDatastore(dataDir)
  await blockstore.open()
  await datastore.open()
  const guard = closable(datastore)
  return { blockstore, datastore: guard.datastore, blocksDir, close: async () => { guard.close(); await blockstore.close(); await datastore.close() } }
}
