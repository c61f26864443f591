import { join } from 'node:path'
import { withBitswap } from '@helia/bitswap'
import { withLibp2pLight } from '@helia/libp2p'
import * as dagCbor from '@ipld/dag-cbor'
import * as dagJson from '@ipld/dag-json'
import { noise } from '@libp2p/noise'
import { preSharedKey } from '@libp2p/pnet'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { createHeliaLight } from 'helia'
import { openStores, type OpenedStores } from './backends.js'
import {
  DEFAULT_DIAL_TIMEOUT_MS, DEFAULT_MESH_LISTEN, DEFAULT_REDIAL_INTERVAL_MS,
  DEFAULT_STORE_BACKEND, HELIA_DIR, PNET_HANDSHAKE_TIMEOUT_MS
} from './constants.js'
import { DialFailedError, InvalidMultiaddrError, MeshNotStartedError } from './errors.js'
import { bootstrapPeerId, keepBootstrapPeers, reconnectSettings } from './bootstrap.js'
import { meshServices, type MeshServices } from './services.js'
import { SwarmKey } from './swarm-key.js'
import type { MeshHelia, MeshNode, MeshNodeInit } from './index.js'
import type { Logger } from '../util/index.js'
import type { Libp2p } from '@libp2p/interface'

function parseAddr (addr: string, what: string): Multiaddr {
  try {
    return multiaddr(addr)
  } catch {
    throw new InvalidMultiaddrError(`${what} "${addr}" is not a valid multiaddr`)
  }
}

/** libp2p keeps a peer by its PeerId: a bootstrap address must name it */
function checkBootstrapPeer (addr: Multiaddr): void {
  try {
    bootstrapPeerId(addr)
  } catch (err) {
    throw new InvalidMultiaddrError(`bootstrap address "${addr.toString()}" needs a valid /p2p/<peer id>: ${(err as Error).message}`)
  }
}

export class MeshNodeImpl implements MeshNode {
  private bootstrapping?: AbortController
  private state: 'stopped' | 'started' = 'stopped'
  private stores?: OpenedStores
  private readonly log: Logger
  private key?: SwarmKey

  private constructor (
    private readonly init: MeshNodeInit,
    private heliaNode: MeshHelia | undefined,
    private readonly listen: string[],
    private readonly bootstrap: Multiaddr[]
  ) {
    this.log = init.logger.child({ component: 'mesh:node' })
  }

  static async create (init: MeshNodeInit): Promise<MeshNodeImpl> {
    const listen = init.listen ?? DEFAULT_MESH_LISTEN
    listen.forEach((a) => parseAddr(a, 'listen address'))
    const bootstrap = (init.bootstrap ?? []).map((a) => parseAddr(a, 'bootstrap address'))
    bootstrap.forEach(checkBootstrapPeer)
    return new MeshNodeImpl(init, undefined, listen, bootstrap)
  }

  private get redialIntervalMs (): number {
    return this.init.redialIntervalMs ?? DEFAULT_REDIAL_INTERVAL_MS
  }

  get helia (): MeshHelia {
    if (this.heliaNode == null || this.state !== 'started') throw new MeshNotStartedError('the mesh node is not started')
    return this.heliaNode
  }

  get libp2p (): Libp2p<MeshServices> {
    return this.helia.libp2p
  }

  get peerId (): string {
    return this.libp2p.peerId.toString()
  }

  get blocksDir (): string {
    return join(this.init.dataDir, HELIA_DIR, 'blocks')
  }

  multiaddrs (): string[] {
    return this.libp2p.getMultiaddrs().map((a) => a.toString())
  }

  peers (): string[] {
    return this.libp2p.getPeers().map((p) => p.toString())
  }

  async dial (addr: string, options: { signal?: AbortSignal } = {}): Promise<string> {
    options.signal?.throwIfAborted()
    const ma = parseAddr(addr, 'peer address')
    const timeoutMs = this.init.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS
    const signals = [AbortSignal.timeout(timeoutMs), ...(options.signal != null ? [options.signal] : [])]
    try {
      const conn = await this.libp2p.dial(ma, { signal: AbortSignal.any(signals) })
      return conn.remotePeer.toString()
    } catch (err) {
      options.signal?.throwIfAborted()
      throw new DialFailedError(`could not dial ${addr}: ${(err as Error).message}`)
    }
  }

  get swarmKey (): SwarmKey {
    if (this.key == null) throw new MeshNotStartedError('the mesh node is not started')
    return this.key
  }

  async start (): Promise<void> {
    if (this.state === 'started') return
    const key = await this.resolveKey()
    const stores = await openStores(join(this.init.dataDir, HELIA_DIR), this.init.storeBackend ?? DEFAULT_STORE_BACKEND)
    this.stores = stores
    const light = createHeliaLight({ blockstore: stores.blockstore, datastore: stores.datastore, codecs: [dagJson, dagCbor] })
    const helia = withBitswap(withLibp2pLight(light, {
      addresses: { listen: this.listen },
      transports: [tcp()],
      // a private network: a peer without the cluster's swarm key fails the handshake before anything else
      connectionProtector: preSharedKey({ psk: key.pnetKey(), timeout: PNET_HANDSHAKE_TIMEOUT_MS }),
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      // nothing public: no bootstrap lists, mDNS, delegated routing, UPnP or autoNAT
      peerDiscovery: [],
      // a saturated connection (a long bulk or bitswap transfer) answers pings late; libp2p's monitor
      // would then abort the whole connection mid-transfer. Keep measuring, never abort for that.
      connectionMonitor: { abortConnectionOnPingFailure: false },
      // bootstrap peers are tagged KEEP_ALIVE (bootstrap.ts): redial them while they are away
      connectionManager: reconnectSettings(this.redialIntervalMs),
      services: meshServices()
    })) as MeshHelia
    try {
      await helia.start()
    } catch (err) {
      await stores.close()
      throw err
    }
    this.heliaNode = helia
    this.key = key
    this.state = 'started'
    this.bootstrapping = new AbortController()
    await keepBootstrapPeers(helia.libp2p, this.bootstrap, {
      intervalMs: this.redialIntervalMs,
      dialTimeoutMs: this.init.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS
    }, this.bootstrapping.signal, this.log)
    this.log.info({ peerId: this.peerId, addrs: this.multiaddrs() }, 'mesh node started')
  }

  /** the configured key, else this node's own one from its data dir (a cluster of one) */
  private async resolveKey (): Promise<SwarmKey> {
    if (this.init.swarmKey != null) return this.init.swarmKey
    const own = await SwarmKey.ofDataDir(this.init.dataDir)
    this.log.warn({ path: own.path, created: own.created }, 'no swarm key configured: this node is a cluster of one (no peer can connect). To form a cluster, give every member the same key: ARTDAG_SWARM_KEY=<path of this file, copied to each node>')
    return own.key
  }

  async stop (): Promise<void> {
    if (this.state === 'stopped') return
    this.state = 'stopped'
    this.bootstrapping?.abort()
    this.bootstrapping = undefined
    await this.heliaNode?.stop()
    this.heliaNode = undefined
    await this.stores?.close()
    this.stores = undefined
  }
}
