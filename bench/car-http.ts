/**
 * The HTTP bulk client, hand-written (src/store/car/http-client.ts) against undici's `request`, side by
 * side in one run: a 256 MiB CAR from a local HTTP server, read and parsed into blocks (the pull's
 * network and CAR stages, without hashing or writes), rounds alternating between the two, medians.
 * The hand-written client stays only while it is at least 1.5x faster; test/store/car/http-client.test.ts
 * checks that both give the same bytes.
 */
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import { type AddressInfo } from 'node:net'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { request } from 'undici'
import { carBlocks } from '../src/store/car/car-blocks.js'
import { encodeHeader, encodeSection } from '../src/store/car/car-format.js'
import { carUrl, fetchCarHttp, MAX_BLOCK_BYTES } from '../src/store/car/index.js'
import type { BenchResult, GoalRow } from './index.js'
import { median } from './stats.js'

const MiB = 1024 * 1024

export interface CarHttpBenchInit {
  /** size of the CAR @default 256 MiB */
  bytes?: number
  /** alternating rounds @default 5 */
  rounds?: number
}

async function parse (source: AsyncIterable<Uint8Array>): Promise<number> {
  const car = carBlocks(source[Symbol.asyncIterator](), MAX_BLOCK_BYTES)
  await car.roots()
  let n = 0
  for await (const { bytes } of car.blocks()) n += bytes.byteLength
  return n
}

export async function runCarHttpBench (init: CarHttpBenchInit = {}): Promise<BenchResult> {
  const total = init.bytes ?? 256 * MiB
  const rounds = init.rounds ?? 5
  const parts: Uint8Array[] = []
  let root: CID | undefined
  for (let at = 0; at < total; at += MiB) {
    const block = randomBytes(Math.min(MiB, total - at))
    const cid = CID.createV1(raw.code, await sha256.digest(block))
    root ??= cid
    parts.push(...encodeSection(cid, block))
  }
  if (root == null) throw new Error('the CAR needs at least one block')
  const car = Buffer.concat([encodeHeader(root), ...parts])
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/vnd.ipld.car', 'content-length': car.byteLength })
    res.end(car)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  const blockBytes = total
  const clients: Record<string, () => Promise<number>> = {
    'hand-written': async () => await parse(fetchCarHttp(base, root as CID)),
    undici: async () => {
      const { body } = await request(carUrl(base, root as CID))
      return await parse(body)
    }
  }
  const samples: Record<string, number[]> = { 'hand-written': [], undici: [] }
  try {
    for (let r = 0; r < rounds; r++) {
      for (const [name, run] of Object.entries(clients)) {
        const started = performance.now()
        const got = await run()
        const ms = performance.now() - started
        if (got !== blockBytes) throw new Error(`${name} parsed ${got} of ${blockBytes} block bytes`)
        samples[name]?.push(Math.round(car.byteLength / 1e6 / (ms / 1000)))
      }
    }
  } finally {
    server.close()
  }
  const hand = median(samples['hand-written'] ?? [])
  const lib = median(samples.undici ?? [])
  const ratio = Number((hand / lib).toFixed(2))
  const rows: GoalRow[] = [
    { name: `HTTP CAR pull of ${total / MiB} MiB, read + parsed: hand-written client vs undici.request`, value: ratio, unit: 'x undici', goal: '>= 1.5 to keep it', met: ratio >= 1.5, note: `${hand} vs ${lib} MB/s` }
  ]
  return { rows, raw: { samples, carBytes: car.byteLength } }
}
