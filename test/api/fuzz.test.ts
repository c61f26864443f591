import { readdir, readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configPath } from '../../src/util/paths.js'
import { startTestNode, type TestNode } from '../fixtures/node.js'

/** xorshift PRNG: the same seed gives the same 1,000 requests */
function rng (seed: number): () => number {
  let x = seed >>> 0
  return () => {
    x ^= x << 13; x >>>= 0
    x ^= x >>> 17
    x ^= x << 5; x >>>= 0
    return x / 0x100000000
  }
}

const ATOMS: unknown[] = [
  null, true, false, 0, -1, 1e308, -0.5, Number.MAX_SAFE_INTEGER, '', ' ', 'dog', 'cat', 'identity', 'invert', '__proto__',
  'constructor', '../../etc/passwd', 'a'.repeat(300), '\u0000', '💥', 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
  'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG', 'SOURCE', 'EFFECT', 'SEQUENCE', [], {}, [[[]]], { input: true }
]

describe('api fuzz', () => {
  let t: TestNode
  let seeds: string[]
  beforeAll(async () => {
    t = await startTestNode({ fetchTimeoutMs: 300 })
    const dir = configPath('recipes')
    seeds = await Promise.all((await readdir(dir)).filter((f) => f.endsWith('.yaml')).map(async (f) => await readFile(`${dir}/${f}`, 'utf8')))
  })
  afterAll(async () => { await t?.stop() })

  it('should answer 1,000 random and mutated recipe uploads and run requests without a single 5xx', async () => {
    const rand = rng(20261123)
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T
    const value = (depth = 0): unknown => {
      const r = rand()
      if (depth > 3 || r < 0.6) return pick(ATOMS)
      if (r < 0.8) return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1))
      return Object.fromEntries(Array.from({ length: Math.floor(rand() * 4) }, () => [String(pick(ATOMS)).slice(0, 20), value(depth + 1)]))
    }
    const mutateYaml = (text: string): string => {
      let lines = text.split('\n')
      for (let n = 1 + Math.floor(rand() * 3); n > 0; n--) {
        const i = Math.floor(rand() * lines.length)
        const line = lines[i] ?? ''
        const op = Math.floor(rand() * 7)
        if (op === 0) lines.splice(i, 1)
        else if (op === 1) lines.splice(i, 0, line)
        else if (op === 2) lines[i] = line.replace(/:\s*\S.*$/, `: ${JSON.stringify(value())}`)
        else if (op === 3) lines[i] = ' '.repeat(Math.floor(rand() * 6)) + line.trimStart()
        else if (op === 4) lines[i] = line.slice(0, Math.floor(rand() * line.length))
        else if (op === 5) lines = [...lines.slice(i), ...lines.slice(0, i)]
        else lines[i] = `${line}${pick(['&a', '*a', '{', '[', '"', '\t', '<<: *x', '!!binary x', '%'])}`
      }
      return lines.join('\n')
    }
    const statuses = new Map<number, number>()
    const fiveHundreds: string[] = []
    const one = async (i: number): Promise<void> => {
      const kind = i % 4
      let path = '/runs'
      let init: RequestInit
      if (kind === 0) {
        path = '/configs/upload'
        init = { method: 'POST', headers: { 'content-type': 'text/yaml' }, body: mutateYaml(pick(seeds)) }
      } else if (kind === 1) {
        path = '/configs/upload'
        init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rand() < 0.7 ? { yaml: mutateYaml(pick(seeds)) } : value()) }
      } else if (kind === 2) {
        const body = rand() < 0.5
          ? { recipe: pick(['dog', 'invert', 'identity', 'blur', 'nope', ...seeds.map((s) => /name: (\S+)/.exec(s)?.[1] ?? 'x')]), inputs: value(), params: value() }
          : value()
        init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: rand() < 0.1 ? JSON.stringify(body).slice(0, -1) : JSON.stringify(body) }
      } else {
        path = pick(['/runs', '/configs', '/cache', `/runs/${String(pick(ATOMS))}`, `/configs/${encodeURIComponent(String(pick(ATOMS)))}/run`, `/cache/${encodeURIComponent(String(pick(ATOMS)))}`])
        init = { method: pick(['GET', 'POST', 'DELETE', 'PATCH']), headers: { 'content-type': 'application/json' } }
        if (init.method === 'POST' || init.method === 'PATCH') init.body = JSON.stringify(value())
      }
      const res = await fetch(`${t.url}${path}?limit=${pick(['1', '0', 'x', '5000', '-3'])}`, init)
      const text = await res.text()
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
      if (res.status >= 500) fiveHundreds.push(`${init.method ?? 'GET'} ${path} -> ${res.status} ${text.slice(0, 200)}`)
      if (res.status >= 400) expect(JSON.parse(text)).toHaveProperty('error')
    }
    for (let i = 0; i < 1000; i += 8) await Promise.all(Array.from({ length: 8 }, async (_, k) => { await one(i + k) }))
    expect(fiveHundreds).toEqual([])
    expect([...statuses.keys()].some((s) => s >= 400)).toBe(true)
    const health = await fetch(`${t.url}/health`)
    expect(health.status).toBe(200)
  })
})
