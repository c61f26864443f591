import { createHmac, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { SWARM_KEY_FILE } from './constants.js'
import { InvalidSwarmKeyError } from './errors.js'

/** first line of a swarm key file (the go-ipfs / libp2p pnet v1 format) */
const V1_HEADER = '/key/swarm/psk/1.0.0/'
const HEX_KEY = /^[0-9a-fA-F]{64}$/

/**
 * The pre-shared key of a cluster: only nodes holding it can open a libp2p connection to each other
 * (libp2p private networks, XSalsa20 under the 32 key bytes). Secrets for other purposes (the sync
 * namespace, HTTP cluster tokens) are derived from it, so it is the one secret of a cluster.
 */
export class SwarmKey {
  private constructor (private readonly bytes: Buffer) {}

  /** a new random key */
  static generate (): SwarmKey {
    return new SwarmKey(randomBytes(32))
  }

  /** the text of a swarm key file (`/key/swarm/psk/1.0.0/`, `/base16/`, 64 hex digits) or the 64 hex digits alone */
  static parse (text: string, where = 'the swarm key'): SwarmKey {
    const lines = text.trim().split(/\r?\n/).map((l) => l.trim())
    const hex = lines.length === 1 ? lines[0] : lines[0] === V1_HEADER && lines[1] === '/base16/' && lines.length === 3 ? lines[2] : undefined
    if (hex == null || !HEX_KEY.test(hex)) {
      throw new InvalidSwarmKeyError(`${where} is not a swarm key: expected 64 hex digits, or a swarm key file ("${V1_HEADER}", "/base16/", 64 hex digits); generate one with \`artdag swarm-key\``)
    }
    return new SwarmKey(Buffer.from(hex, 'hex'))
  }

  /**
   * A setting that is either the key itself (64 hex digits or the file text) or the path of a key file.
   * Synchronous: configuration is checked once at startup.
   */
  static fromSetting (value: string): SwarmKey {
    const trimmed = value.trim()
    if (HEX_KEY.test(trimmed) || trimmed.startsWith(V1_HEADER)) return SwarmKey.parse(trimmed)
    let text: string
    try {
      text = readFileSync(trimmed, 'utf8')
    } catch (err) {
      throw new InvalidSwarmKeyError(`cannot read the swarm key file "${trimmed}": ${(err as NodeJS.ErrnoException).code ?? (err as Error).message} (the setting is a key file path, 64 hex digits or the key file's text)`)
    }
    return SwarmKey.parse(text, `the file "${trimmed}"`)
  }

  /**
   * The key of a node that was given none: `<dataDir>/swarm.key`, created (readable by the owner
   * only) on first use. Such a node is a cluster of one until its key is shared.
   */
  static async ofDataDir (dataDir: string): Promise<{ key: SwarmKey, path: string, created: boolean }> {
    const path = join(dataDir, SWARM_KEY_FILE)
    const existing = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined
      throw new InvalidSwarmKeyError(`cannot read the swarm key file "${path}": ${err.code ?? err.message}`)
    })
    if (existing != null) return { key: SwarmKey.parse(existing, `the file "${path}"`), path, created: false }
    const key = SwarmKey.generate()
    await mkdir(dirname(path), { recursive: true })
    try {
      await writeFile(path, key.fileText(), { mode: 0o600, flag: 'wx' })
    } catch (err) {
      // another process of the same data dir wrote it first: use theirs
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { key: SwarmKey.parse(await readFile(path, 'utf8'), `the file "${path}"`), path, created: false }
      throw err
    }
    return { key, path, created: true }
  }

  /** the swarm key file's text, as `@libp2p/pnet` and go-ipfs read it */
  fileText (): string {
    return `${V1_HEADER}\n/base16/\n${this.bytes.toString('hex')}\n`
  }

  /** the key for libp2p's connection protector */
  pnetKey (): Uint8Array {
    return new TextEncoder().encode(this.fileText())
  }

  /** a 32-byte secret for one purpose (HMAC-SHA256 of the purpose under the key); it reveals nothing of the key */
  derive (purpose: string): Buffer {
    return createHmac('sha256', this.bytes).update(`artdag-l1/${purpose}`).digest()
  }

  /** the namespace of state sync (gossip topic, manifests): one secret makes one cluster */
  syncNamespace (): string {
    return this.derive('sync-namespace').toString('hex')
  }

  /** never the key in logs or JSON */
  toJSON (): string {
    return '[swarm key]'
  }

  toString (): string {
    return '[swarm key]'
  }
}
