import { Key } from 'interface-datastore'
import { PIN_REASONS, PIN_REASONS_PREFIX } from './constants.js'
import { ContentNotFoundError, InvalidPinReasonError } from './errors.js'
import type { AbortOptions, PinReason } from './types.js'
import type { Helia } from '@helia/interface'
import { CID } from 'multiformats/cid'

async function drain (source: AsyncIterable<unknown>): Promise<void> {
  const it = source[Symbol.asyncIterator]()
  while ((await it.next()).done !== true) { /* walk to the end */ }
}

export function checkReason (reason: string): PinReason {
  if (!(PIN_REASONS as readonly string[]).includes(reason)) {
    throw new InvalidPinReasonError(`"${reason}" is not a pin reason (expected one of ${PIN_REASONS.join(', ')})`)
  }
  return reason as PinReason
}

/**
 * Pins with reasons. The reasons of a CID are a JSON array in Helia's datastore, and those records are
 * the pins: the GC marks from them (src/store/gc.ts walks every link, so a pinned DAG keeps all it
 * reaches). A CID takes its first reason only when its whole DAG is local (the caller walked it: `whole`).
 * Changes to one CID are serialised so two callers never interleave.
 *
 * Helia's own `pins` are not used any more: `pins.add` writes a per-block `pinnedBy` record for every
 * block of the DAG (2-4 ms for a one-block file, the largest cost of completing a run), and our GC does
 * not trust those records anyway (Helia 7.1.15 bug, see gc.ts). Pins that older versions of this node
 * made through `helia.pins` still count as roots and are removed with their last reason.
 */
export class ReasonPins {
  private readonly queues = new Map<string, Promise<unknown>>()

  constructor (private readonly helia: Pick<Helia, 'pins' | 'datastore'>) {}

  private key (cid: CID): Key {
    return new Key(`${PIN_REASONS_PREFIX}${cid.toString()}`)
  }

  async reasons (cid: CID, options?: AbortOptions): Promise<PinReason[]> {
    try {
      const bytes = await this.helia.datastore.get(this.key(cid), options)
      return JSON.parse(new TextDecoder().decode(bytes)) as PinReason[]
    } catch (err) {
      if ((err as Error).name === 'NotFoundError') return []
      throw err
    }
  }

  private async save (cid: CID, reasons: PinReason[], options?: AbortOptions): Promise<void> {
    if (reasons.length === 0) {
      await this.helia.datastore.delete(this.key(cid), options)
    } else {
      await this.helia.datastore.put(this.key(cid), new TextEncoder().encode(JSON.stringify(reasons)), options)
    }
  }

  private async serial<T> (cid: CID, fn: () => Promise<T>): Promise<T> {
    const id = cid.toString()
    const prev = this.queues.get(id) ?? Promise.resolve()
    const next = prev.then(fn, fn)
    const settled = next.catch(() => {})
    this.queues.set(id, settled)
    try {
      return await next
    } finally {
      if (this.queues.get(id) === settled) this.queues.delete(id)
    }
  }

  /**
   * Adds reasons (one read and at most one write of the record, however many).
   * @param whole whether every block of the DAG is local, as the caller's walk found it just before
   */
  async pin (cid: CID, adding: readonly PinReason[], whole: boolean, options: AbortOptions = {}): Promise<void> {
    await this.serial(cid, async () => {
      const reasons = await this.reasons(cid, options)
      const fresh = [...new Set(adding)].filter((r) => !reasons.includes(r))
      if (fresh.length === 0) return
      if (reasons.length === 0 && !whole) {
        throw new ContentNotFoundError(`cannot pin ${cid.toString()}: part of its DAG is not in the local blockstore`)
      }
      await this.save(cid, [...reasons, ...fresh].sort(), options)
    })
  }

  async unpin (cid: CID, reason: PinReason, options: AbortOptions = {}): Promise<void> {
    await this.serial(cid, async () => {
      const reasons = await this.reasons(cid, options)
      if (!reasons.includes(reason)) return
      const rest = reasons.filter((r) => r !== reason)
      if (rest.length === 0 && await this.isLegacyPin(cid, options)) {
        await drain(this.helia.pins.rm(cid, { signal: options.signal, offline: true } as AbortOptions)).catch((err: unknown) => {
          // a block of the DAG went missing (corruption, manual deletion): the pin record is gone anyway
          if ((err as Error).name !== 'BlockNotFoundWhileOfflineError') throw err
        })
      }
      await this.save(cid, rest, options)
    })
  }

  /** every pinned root: each CID with a reason, and what older versions pinned through helia.pins */
  async * roots (options?: AbortOptions): AsyncGenerator<CID> {
    const seen = new Set<string>()
    for await (const key of this.helia.datastore.queryKeys({ prefix: PIN_REASONS_PREFIX.replace(/\/$/, '') }, { signal: options?.signal })) {
      const cid = CID.parse(key.baseNamespace())
      seen.add(cid.toString())
      yield cid
    }
    for await (const pin of this.helia.pins.ls({ signal: options?.signal })) {
      if (!seen.has(pin.cid.toString())) yield pin.cid
    }
  }

  private async isLegacyPin (cid: CID, options: AbortOptions): Promise<boolean> {
    // not pins.ls({ cid }): datastore-fs treats its prefix as a folder and finds nothing
    try {
      await this.helia.pins.get(cid, options)
      return true
    } catch (err) {
      if ((err as Error).name === 'NotFoundError') return false
      throw err
    }
  }
}
