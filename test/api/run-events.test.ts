import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunRecord } from '../../src/state/types.js'
import { startNodeProcess, type NodeProcess } from '../cluster/node-process.js'

const STREAMS = 100

describe('GET /runs/{id}/events, many at once', () => {
  let dir: string
  let node: NodeProcess
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'artdag-sse-'))
    // no workers: the run stays unfinished, so every stream stays open
    node = await startNodeProcess(dir, { ARTDAG_WORKERS: '0', ARTDAG_SYNC: 'false', NODE_OPTIONS: '--trace-warnings', LOG_LEVEL: 'info' })
  }, 120_000)
  afterAll(async () => {
    await node?.stop()
    if (dir != null) await rm(dir, { recursive: true, force: true })
  })

  it(`should hold ${STREAMS} open streams of one run with no listener warning, and tell each of them the run's end`, async () => {
    const { status, body } = await node.api<RunRecord>('POST', '/runs', { recipe: 'invert', inputs: ['cat'], params: { intensity: 0.321 } })
    expect(status).toBe(201)
    const controller = new AbortController()
    const streams = await Promise.all(Array.from({ length: STREAMS }, async () => {
      const res = await fetch(`${node.url}/runs/${body.id}/events`, { signal: controller.signal })
      expect(res.status).toBe(200)
      return res
    }))
    try {
      // every stream has had its first frame: all of them are listening now
      const readers = streams.map((res) => res.body!.getReader())
      const decoder = new TextDecoder()
      const texts = await Promise.all(readers.map(async (reader) => decoder.decode((await reader.read()).value)))
      expect(texts.every((text) => text.startsWith('event: run\n'))).toBe(true)
      // the cancellation reaches every stream, which then ends
      expect((await node.api('POST', `/runs/${body.id}/cancel`)).status).toBe(200)
      const ends = await Promise.all(readers.map(async (reader) => {
        let text = ''
        for (;;) {
          const { value, done } = await reader.read()
          if (done) return text
          text += decoder.decode(value)
        }
      }))
      expect(ends.every((text) => text.includes('"status":"cancelled"'))).toBe(true)
    } finally {
      controller.abort()
    }
    expect(node.log()).not.toMatch(/MaxListenersExceededWarning|Possible EventEmitter memory leak|Possible EventTarget memory leak/)
  }, 120_000)
})
