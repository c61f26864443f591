import type { NodeConfigInit } from '../../src/config/index.js'
import { startTestNode as startNode, type TestNode } from '../fixtures/node.js'

export type { TestNode }

/** A whole node in this process on the suite's Redis (own prefix and data dir), two workers, peers' deadline 30 s */
export async function startTestNode (config: NodeConfigInit = {}): Promise<TestNode> {
  return await startNode({ workers: 2, config: { fetchTimeoutMs: 30_000, ...config } })
}
