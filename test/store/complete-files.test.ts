import { describe, expect, it } from 'vitest'
import { CompleteFiles } from '../../src/store/complete-files.js'

const bytes = (n: number): Uint8Array => new Uint8Array(n).fill(n % 251)

describe('CompleteFiles', () => {
  it('should remember sizes and drop the least recently used past its bound', () => {
    const files = new CompleteFiles(2)
    files.remember('a', 1)
    files.remember('b', 2)
    expect(files.get('a')?.size).toBe(1)
    files.remember('c', 3)
    expect(files.get('b')).toBeUndefined()
    expect(files.get('a')?.size).toBe(1)
    expect(files.get('c')?.size).toBe(3)
  })

  it('should ignore what a walk begun before forgetAll learned', () => {
    const files = new CompleteFiles()
    const since = files.begin()
    files.forgetAll()
    files.remember('a', 1, since)
    expect(files.get('a')).toBeUndefined()
    files.remember('a', 1, files.begin())
    expect(files.get('a')?.size).toBe(1)
  })

  it('should keep the bytes of small files within its byte budget, the oldest giving theirs up first', () => {
    const files = new CompleteFiles(100, 250, 200)
    files.remember('a', 100, files.begin(), bytes(100))
    files.remember('b', 100, files.begin(), bytes(100))
    expect(files.heldBytes).toBe(200)
    files.get('a')
    files.remember('c', 100, files.begin(), bytes(100))
    // b was the least recently used: it keeps its size but not its bytes
    expect(files.get('b')).toEqual({ size: 100 })
    expect(files.get('a')?.bytes).toEqual(bytes(100))
    expect(files.get('c')?.bytes).toEqual(bytes(100))
    expect(files.heldBytes).toBe(200)
    // too large for one file, or not the whole file: only the size
    files.remember('d', 201, files.begin(), bytes(201))
    files.remember('e', 50, files.begin(), bytes(40))
    expect(files.get('d')).toEqual({ size: 201 })
    expect(files.get('e')).toEqual({ size: 50 })
    expect(files.heldBytes).toBe(200)
    files.forgetAll()
    expect(files.heldBytes).toBe(0)
    expect(files.get('a')).toBeUndefined()
  })

  it('should count the bytes of a file remembered twice once', () => {
    const files = new CompleteFiles(100, 1000, 1000)
    files.remember('a', 10, files.begin(), bytes(10))
    files.remember('a', 10, files.begin(), bytes(10))
    expect(files.heldBytes).toBe(10)
    expect(files.wouldHold(1000)).toBe(true)
    expect(files.wouldHold(1001)).toBe(false)
    expect(new CompleteFiles(100, 0).wouldHold(1)).toBe(false)
  })
})
