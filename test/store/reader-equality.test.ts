import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { exporter } from 'ipfs-unixfs-exporter'
import { importer } from 'ipfs-unixfs-importer'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import { describe, expect, it } from 'vitest'
import { fileNode, readRange } from '../../src/store/reader.js'
import { testBytes } from '../fixtures/helia.js'
import type { CID } from 'multiformats/cid'

/**
 * Our range reader stays because the store bench measured it against ipfs-unixfs-exporter (a full
 * 256 MiB read: several times faster, and bounded memory where the exporter buffered the file). It
 * must give the exporter's bytes for every range; a new exporter version means measuring again.
 */
const MEASURED_EXPORTER_VERSION = '16.2.2'

function installedVersion (name: string): string {
  const require = createRequire(import.meta.url)
  const entry = require.resolve(name)
  let dir = dirname(entry)
  while (!dir.endsWith(join('node_modules', name))) dir = dirname(dir)
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version
}

/** the smallest block store both readers need: blocks in a map */
class MapBlocks {
  private readonly blocks = new Map<string, Uint8Array>()
  async put (cid: CID, bytes: Uint8Array): Promise<CID> {
    this.blocks.set(cid.toString(), bytes)
    return cid
  }

  async has (cid: CID): Promise<boolean> {
    return this.blocks.has(cid.toString())
  }

  async * get (cid: CID): AsyncGenerator<Uint8Array> {
    yield this.block(cid)
  }

  block (cid: CID): Uint8Array {
    const bytes = this.blocks.get(cid.toString())
    if (bytes == null) throw new Error(`missing block ${cid.toString()}`)
    return bytes
  }
}

async function concat (source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const part of source) parts.push(part)
  return Buffer.concat(parts)
}

interface Layout { name: string, size: number, chunk: number, children: number, rawLeaves: boolean }

const layouts: Layout[] = [
  { name: 'one raw block', size: 3000, chunk: 4096, children: 4, rawLeaves: true },
  { name: 'three levels of raw leaves', size: 50_000, chunk: 1000, children: 4, rawLeaves: true },
  { name: 'dag-pb leaves carrying their data', size: 20_000, chunk: 777, children: 3, rawLeaves: false },
  { name: 'a last chunk shorter than the rest', size: 10_001, chunk: 1000, children: 1024, rawLeaves: true }
]

describe('range reader against ipfs-unixfs-exporter', () => {
  it('should run against the exporter version its bench was measured with', () => {
    expect(installedVersion('ipfs-unixfs-exporter'), 'ipfs-unixfs-exporter changed: rerun `npm run bench -- store` (range read line) before keeping the hand-written reader').toBe(MEASURED_EXPORTER_VERSION)
  })

  for (const layout of layouts) {
    it(`should give the exporter's bytes for every range of ${layout.name}`, async () => {
      const blocks = new MapBlocks()
      const content = testBytes(layout.size, layout.size)
      let root: CID | undefined
      for await (const entry of importer([{ content }], blocks, {
        cidVersion: 1,
        rawLeaves: layout.rawLeaves,
        reduceSingleLeafToSelf: true,
        chunker: fixedSize({ chunkSize: layout.chunk }),
        layout: balanced({ maxChildrenPerNode: layout.children })
      })) root = entry.cid
      if (root == null) throw new Error('the importer gave no root')
      const rootCid = root
      const signal = new AbortController().signal
      const getBlock = async (cid: CID): Promise<Uint8Array> => blocks.block(cid)
      const file = await exporter(rootCid, blocks)
      if (file.type !== 'file' && file.type !== 'raw') throw new Error(`the root is a ${file.type}`)
      const size = layout.size
      const ranges = [[0, size], [0, 1], [size - 1, 1], [layout.chunk - 1, 2], [layout.chunk, layout.chunk * 3 + 5], [Math.floor(size / 3), Math.floor(size / 2)], [size, 0]]
      for (let i = 0; i < 20; i++) {
        const start = (i * 7919) % size
        ranges.push([start, ((i * 104_729) % (size - start)) + 1])
      }
      for (const [offset, length] of (ranges as Array<[number, number]>).filter(([o, l]) => o + l <= size)) {
        const ours = await concat(readRange(fileNode(rootCid, blocks.block(rootCid)), offset, offset + length, getBlock, signal))
        const theirs = await concat(file.content({ offset, length }) as AsyncIterable<Uint8Array>)
        expect(ours.equals(theirs), `range ${offset}+${length}`).toBe(true)
        expect(ours.equals(content.subarray(offset, offset + length)), `range ${offset}+${length} against the source`).toBe(true)
      }
    })
  }
})
