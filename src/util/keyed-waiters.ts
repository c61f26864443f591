/**
 * Callers in this process waiting for the next value published under a key. A value goes to everyone
 * waiting for its key at that moment and is not kept for later callers.
 */
export class KeyedWaiters<K, T> {
  private readonly listeners = new Map<K, Set<(value: T) => void>>()

  /** the next value published for `key`; call `cancel` once it is no longer wanted */
  wait (key: K): { result: Promise<T>, cancel: () => void } {
    let listener: (value: T) => void = () => {}
    const result = new Promise<T>((resolve) => { listener = resolve })
    const set = this.listeners.get(key) ?? new Set()
    set.add(listener)
    this.listeners.set(key, set)
    const cancel = (): void => {
      set.delete(listener)
      if (set.size === 0 && this.listeners.get(key) === set) this.listeners.delete(key)
    }
    return { result, cancel }
  }

  publish (key: K, value: T): void {
    const set = this.listeners.get(key)
    if (set == null) return
    this.listeners.delete(key)
    for (const listener of set) listener(value)
  }

  /** keys someone is waiting on (for tests and leak checks) */
  get waiting (): number {
    return this.listeners.size
  }
}
