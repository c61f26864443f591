import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config/index.js'
import { clusterToken, clusterTokenProblem, SwarmKey } from '../../src/mesh/index.js'

const HEX = 'ab'.repeat(32)
const CID = 'bafkreiesf2q4gwyt4v3hpfnd6mtrxizm7rwppo2eqagzyeq3j4noj7pkem'

describe('SwarmKey', () => {
  const dirs: string[] = []
  const dir = async (): Promise<string> => { const d = await mkdtemp(join(tmpdir(), 'artdag-swarm-key-')); dirs.push(d); return d }
  afterEach(async () => { await Promise.all(dirs.splice(0).map(async (d) => { await rm(d, { recursive: true, force: true }) })) })

  it('should read the key as 64 hex digits, as a key file\'s text, or from a file path, all alike', async () => {
    const text = `/key/swarm/psk/1.0.0/\n/base16/\n${HEX}\n`
    const path = join(await dir(), 'swarm.key')
    await writeFile(path, text)
    const keys = [SwarmKey.fromSetting(HEX), SwarmKey.fromSetting(text), SwarmKey.fromSetting(path)]
    for (const k of keys) expect(k.fileText()).toBe(text)
    expect(keys[0]?.syncNamespace()).toBe(keys[2]?.syncNamespace())
    expect(SwarmKey.generate().syncNamespace()).not.toBe(keys[0]?.syncNamespace())
    // never in logs
    expect(JSON.stringify({ key: keys[0] })).toBe('{"key":"[swarm key]"}')
  })

  it('should name what is wrong with a bad key, setting or file', async () => {
    expect(() => SwarmKey.parse('abc')).toThrow('the swarm key is not a swarm key: expected 64 hex digits')
    expect(() => SwarmKey.fromSetting('/nonexistent/swarm.key')).toThrow('cannot read the swarm key file "/nonexistent/swarm.key": ENOENT')
    const path = join(await dir(), 'bad.key')
    await writeFile(path, '/key/swarm/psk/1.0.0/\n/base64/\nAAAA\n')
    expect(() => SwarmKey.fromSetting(path)).toThrow(`the file "${path}" is not a swarm key`)
    try {
      loadConfig({ swarmKey: 'zz' })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError)
      expect((err as ConfigError).problems).toEqual([expect.stringMatching(/^swarmKey \(ARTDAG_SWARM_KEY\): cannot read the swarm key file "zz": ENOENT/)])
    }
  })

  it('should make a node without a key its own key in the data dir, readable by the owner only, and keep it', async () => {
    const d = await dir()
    const first = await SwarmKey.ofDataDir(d)
    expect(first.created).toBe(true)
    expect((await stat(first.path)).mode & 0o777).toBe(0o600)
    const again = await SwarmKey.ofDataDir(d)
    expect(again.created).toBe(false)
    expect(again.key.fileText()).toBe(first.key.fileText())
    expect(await readFile(first.path, 'utf8')).toBe(first.key.fileText())
    expect((await SwarmKey.ofDataDir(await dir())).key.fileText()).not.toBe(first.key.fileText())
  })
})

describe('cluster token', () => {
  const key = SwarmKey.fromSetting(HEX)
  const now = 1_800_000_000_000

  it('should be good for its CID, under its key, within 5 minutes only', () => {
    const token = clusterToken(key, CID, now)
    expect(clusterTokenProblem(key, token, CID, now + 299_000)).toBeUndefined()
    expect(clusterTokenProblem(key, token, CID, now + 301_000)).toBe('the cluster token is 301 s away from this node\'s clock (at most 300 s)')
    expect(clusterTokenProblem(SwarmKey.generate(), token, CID, now)).toBe('the cluster token is not valid for this CID under this cluster\'s swarm key')
    expect(clusterTokenProblem(key, token, 'bafkqaaa', now)).toBe('the cluster token is not valid for this CID under this cluster\'s swarm key')
    expect(clusterTokenProblem(key, 'Bearer x', CID, now)).toBe('the cluster token is malformed (expected "<unix seconds>.<64 hex digits>")')
  })
})
