import type { EventEmitter } from 'node:events'

/** Resolves at the first of `events` that `emitter` emits, and removes its listener for every one of them */
export async function firstEvent (emitter: EventEmitter, events: readonly string[]): Promise<void> {
  await new Promise<void>((resolve) => {
    const done = (): void => {
      for (const event of events) emitter.off(event, done)
      resolve()
    }
    for (const event of events) emitter.on(event, done)
  })
}
