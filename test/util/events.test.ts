import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { firstEvent } from '../../src/util/events.js'

describe('firstEvent', () => {
  it('should resolve at the first of the events and leave no listener behind', async () => {
    const emitter = new EventEmitter()
    const waiting = firstEvent(emitter, ['drain', 'close'])
    expect(emitter.listenerCount('drain')).toBe(1)
    expect(emitter.listenerCount('close')).toBe(1)
    emitter.emit('close')
    await waiting
    expect(emitter.listenerCount('drain')).toBe(0)
    expect(emitter.listenerCount('close')).toBe(0)
  })
})
