import { createServer, get, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { pumpCar } from '../../../src/api/ipfs/car-response.js'
import { BufferPool } from '../../../src/store/car/index.js'

const CHUNK = 256 * 1024
const COUNT = 64

/** chunk i is a pooled buffer filled with the byte i: a buffer reused too early shows up as a wrong byte */
async function * pooledChunks (pool: BufferPool): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < COUNT; i++) {
    const chunk = pool.take(CHUNK)
    chunk.fill(i)
    yield chunk
  }
}

async function * failing (): AsyncGenerator<Uint8Array> {
  yield new Uint8Array(10)
  throw new Error('block went missing')
}

describe('pumpCar', () => {
  let server: Server | undefined

  afterEach(async () => {
    await new Promise<void>((resolve) => { if (server == null) resolve(); else server.close(() => { resolve() }) })
    server = undefined
  })

  async function serve (source: (pool: BufferPool) => AsyncIterable<Uint8Array>, pool: BufferPool): Promise<string> {
    server = createServer((_req, res) => { void pumpCar(res, source(pool), pool, 1024 * 1024) })
    await new Promise<void>((resolve) => (server as Server).listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${((server as Server).address() as AddressInfo).port}/`
  }

  it('should hand a chunk back to the pool only once the socket took it, so a slow client gets every byte right', async () => {
    const pool = new BufferPool(CHUNK, 4)
    const url = await serve(pooledChunks, pool)
    const body = await new Promise<Buffer>((resolve, reject) => {
      get(url, (res) => {
        const parts: Buffer[] = []
        // a slow reader: the response queues up in the server while buffers wait to be reused
        res.pause()
        setTimeout(() => { res.on('data', (d: Buffer) => parts.push(d)); res.resume() }, 300)
        res.on('end', () => { resolve(Buffer.concat(parts)) })
        res.on('error', reject)
      }).on('error', reject)
    })
    expect(body.byteLength).toBe(CHUNK * COUNT)
    for (let i = 0; i < COUNT; i++) {
      const piece = body.subarray(i * CHUNK, (i + 1) * CHUNK)
      expect(piece[0]).toBe(i)
      expect(piece.every((b) => b === i)).toBe(true)
    }
    expect(pool.idle).toBeGreaterThan(0)
  })

  it('should cut the response (no clean end) when the source fails after the headers', async () => {
    const url = await serve(() => failing(), new BufferPool(16, 1))
    const outcome = await new Promise<string>((resolve) => {
      get(url, (res) => {
        res.on('data', () => {})
        res.on('end', () => { resolve(res.complete ? 'complete' : 'cut') })
        res.on('error', (err) => { resolve(`error: ${err.message}`) })
      }).on('error', (err) => { resolve(`error: ${err.message}`) })
    })
    expect(outcome).not.toBe('complete')
  })
})
