import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { CacheId, Cid } from '../dag/index.js'
import type { MediaFile } from '../effects/index.js'
import type { Logger } from '../util/index.js'
import type { CacheIndexPort, ClaimedStep, ClaimsPort, ExecutorPort, RemoteIndexPort, StorePort } from './ports.js'
import { fetchAll } from './fetch-all.js'
import { clearWorkRoot } from './work-dirs.js'
import type { StepJobData, StepJobProgress, StepJobResult } from './queue.js'

export interface StepRunnerComponents {
  store: StorePort
  cacheIndex: CacheIndexPort
  claims: ClaimsPort
  executor: ExecutorPort
  remoteIndex?: RemoteIndexPort
  logger: Logger
  /** told about every result this worker produced or fetched, for gossip announcements */
  onResult?(cacheId: CacheId, cid: Cid): void
}

export interface StepRunnerInit {
  workerId: string
  /** parent of the per-step temp dirs */
  workRoot: string
  fetchTimeoutMs: number
}

export interface ObtainOptions {
  signal?: AbortSignal
  onProgress?(progress: StepJobProgress): void
}

/**
 * Gets the result of one plan step, doing the work at most once across all workers and nodes:
 * local index -> peers' index (fetch by CID) -> claim and execute, or wait for the claim's owner.
 * A claim whose owner died (lease expired, no result) is taken over.
 */
export class StepRunner {
  /** how this runner obtained results: executed here, or reused (for /metrics and tests) */
  readonly stats: Record<StepJobResult['source'], number> = { executed: 0, local: 0, peer: 0, claim: 0 }
  /** cache ids this runner executed, newest last (bounded), so tests can prove "exactly once" */
  readonly executed: CacheId[] = []
  private readonly log: Logger

  constructor (private readonly components: StepRunnerComponents, private readonly init: StepRunnerInit) {
    this.log = components.logger.child({ component: 'exec:step' })
  }

  /** kills the step children and removes the work dirs a previous process of this data dir left (see clearWorkRoot) */
  async clearLeftovers (): Promise<void> {
    await clearWorkRoot(this.init.workRoot, this.log)
  }

  async obtain (data: StepJobData, options: ObtainOptions = {}): Promise<StepJobResult> {
    const { claims } = this.components
    const cacheId = data.step.cacheId
    const started = Date.now()
    const done = (cid: Cid, source: StepJobResult['source']): StepJobResult => {
      this.stats[source]++
      if (source === 'executed') {
        this.executed.push(cacheId)
        if (this.executed.length > 10_000) this.executed.shift()
      }
      const finished = Date.now()
      return {
        cacheId, cid, source, worker: this.init.workerId,
        startedAt: new Date(started).toISOString(), finishedAt: new Date(finished).toISOString(), durationMs: finished - started
      }
    }

    for (;;) {
      options.signal?.throwIfAborted()
      // the local index is read once the claim is held (executeClaimed): the orchestrator looked it up
      // just before queueing the step, so a second look here would almost always miss
      const remote = await this.fetchFromPeers(cacheId, options.signal)
      if (remote != null) return done(remote, 'peer')

      try {
        // hold() takes the claim itself and renews it while the step runs
        const result = await claims.hold(cacheId, async (signal, claimed) => await this.executeClaimed(data, signal, options, claimed), { signal: options.signal })
        return done(result.cid, result.source)
      } catch (err) {
        if ((err as Error).name !== 'ClaimNotAcquiredError') throw err
      }

      options.onProgress?.({ phase: 'waiting', worker: this.init.workerId })
      const waited = await claims.waitForResult(cacheId, { signal: options.signal })
      if (waited.kind === 'result') return done(waited.cid, 'claim')
      if (waited.kind === 'error') throw new Error(waited.error)
      this.log.warn({ cacheId }, 'claim owner vanished without a result; taking the step over')
    }
  }

  /**
   * The index says so *and* the bytes can be had: here, or from the node's peers (a remote worker's
   * output lives on its own Helia). An entry whose bytes are gone everywhere is dropped.
   */
  private async lookupLocal (cacheId: CacheId, claimed: ClaimedStep, signal?: AbortSignal): Promise<Cid | undefined> {
    const { cacheIndex, store } = this.components
    // taking the claim usually read the index already (claim-or-hint, one round trip)
    const cid = claimed.indexRead ? claimed.indexed : await cacheIndex.get(cacheId)
    if (cid == null) return undefined
    try {
      await fetchAll(store, cid, { signal, timeoutMs: this.init.fetchTimeoutMs })
      return cid
    } catch (err) {
      signal?.throwIfAborted()
      this.log.warn({ cacheId, cid, err }, 'indexed result is gone; computing it again')
      await cacheIndex.delete(cacheId)
      return undefined
    }
  }

  private async fetchFromPeers (cacheId: CacheId, signal?: AbortSignal): Promise<Cid | undefined> {
    const { remoteIndex, store, cacheIndex } = this.components
    // a miss right after a peer (re)connected waits a bounded moment for that peer's state: no duplicate render
    const hint = await remoteIndex?.lookup(cacheId, { signal })
    if (hint == null) return undefined
    try {
      // reading every block verifies it against its CID; a lying peer costs a fetch, not a wrong result
      await fetchAll(store, hint.cid, { signal, timeoutMs: this.init.fetchTimeoutMs })
      await store.pin(hint.cid, 'cache', { signal })
      await cacheIndex.set(cacheId, hint.cid)
      this.components.onResult?.(cacheId, hint.cid)
      return hint.cid
    } catch (err) {
      this.log.warn({ cacheId, cid: hint.cid, peer: hint.peer, err }, 'peer result could not be fetched; computing it here')
      return undefined
    }
  }

  private async executeClaimed (data: StepJobData, signal: AbortSignal, options: ObtainOptions,
    claimed: ClaimedStep): Promise<{ cid: Cid, source: StepJobResult['source'] }> {
    const { store, claims, executor } = this.components
    const cacheId = data.step.cacheId
    // someone may have finished between our lookup and our claim
    const already = await this.lookupLocal(cacheId, claimed, signal)
    if (already != null) return { cid: already, source: 'local' }

    const passthrough = executor.passthroughInput?.(data.step)
    const same = passthrough == null ? undefined : data.inputs[passthrough]
    if (same != null) {
      // identity: the output is the input, by CID; no bytes to move (publishResult writes the index)
      await claims.publishResult(cacheId, { cid: same })
      this.components.onResult?.(cacheId, same)
      return { cid: same, source: 'executed' }
    }

    await mkdir(this.init.workRoot, { recursive: true })
    const workDir = await mkdtemp(join(this.init.workRoot, `${cacheId.slice(0, 16)}-`))
    try {
      // the inputs of a multi-input step (SEQUENCE, LAYER, MUX...) are written out side by side; all
      // of them settle before the work dir can be removed
      const exported = await Promise.allSettled(data.inputs.map(async (cid, index): Promise<MediaFile> => {
        const path = join(workDir, `input-${index}`)
        await store.exportToFile(cid, path, { signal, timeoutMs: this.init.fetchTimeoutMs })
        return { path, cid }
      }))
      const files = exported.map((r) => { if (r.status === 'rejected') throw r.reason; return r.value })
      options.onProgress?.({ phase: 'running', worker: this.init.workerId })
      const output = await executor.execute(data.step, files, {
        workDir,
        signal,
        onProgress: (fraction) => { options.onProgress?.({ phase: 'progress', fraction }) }
      })
      let cid: Cid
      // the output's blocks stay out of the collector's reach from the first write to the pin
      const hold = store.hold()
      try {
        if (output.kind === 'input') {
          const input = data.inputs[output.index]
          if (input == null) throw new Error(`step returned input ${output.index}, which does not exist`)
          cid = input
        } else {
          cid = (await store.addFile(output.path, { signal, hold })).cid
        }
        await store.pin(cid, 'cache', { signal })
      } finally {
        hold.release()
      }
      // the index (written by publishResult with the announcement) points only at stored, pinned bytes
      await claims.publishResult(cacheId, { cid })
      this.components.onResult?.(cacheId, cid)
      return { cid, source: 'executed' }
    } catch (err) {
      // an abandoned step did not fail: its claim is released (hold) and whoever waits on it takes it over
      if ((err as Error).name === 'StepAbandonedError') throw err
      const message = err instanceof Error ? err.message : String(err)
      await claims.publishResult(cacheId, { error: message }).catch((e: unknown) => { this.log.error({ err: e }, 'could not publish step failure') })
      throw err
    } finally {
      await rm(workDir, { recursive: true, force: true })
    }
  }
}
