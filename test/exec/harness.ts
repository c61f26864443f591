import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { NodeConfigInit } from '../../src/config/index.js'
import { L1Node } from '../../src/node.js'
import { silentLogger } from '../../src/util/logger.js'
import { testPrefix, testRedisUrl } from '../fixtures/redis.js'

export interface TestNode {
  node: L1Node
  dataDir: string
  stop(): Promise<void>
}

/** A whole node in this process on the suite's Redis, with its own prefix and data dir */
export async function startTestNode (config: NodeConfigInit = {}, role: 'serve' | 'worker' = 'serve'): Promise<TestNode> {
  const dataDir = await mkdtemp(join(tmpdir(), 'artdag-exec-'))
  const node = new L1Node({
    role,
    logger: silentLogger(),
    config: {
      dataDir,
      redisUrl: testRedisUrl(),
      redisPrefix: testPrefix(),
      p2pListen: ['/ip4/127.0.0.1/tcp/0'],
      port: 0,
      workers: 2,
      syncEnabled: false,
      ...config
    }
  })
  await node.start()
  return {
    node,
    dataDir,
    async stop () {
      await node.stop()
      await rm(dataDir, { recursive: true, force: true })
    }
  }
}
