import { describe, expect, it } from 'vitest'
import { CompleteFiles } from '../../src/store/complete-files.js'

describe('CompleteFiles', () => {
  it('should remember sizes and drop the least recently used past its bound', () => {
    const files = new CompleteFiles(2)
    files.remember('a', 1)
    files.remember('b', 2)
    expect(files.size('a')).toBe(1)
    files.remember('c', 3)
    expect(files.size('b')).toBeUndefined()
    expect(files.size('a')).toBe(1)
    expect(files.size('c')).toBe(3)
  })

  it('should ignore what a walk begun before forgetAll learned', () => {
    const files = new CompleteFiles()
    const since = files.begin()
    files.forgetAll()
    files.remember('a', 1, since)
    expect(files.size('a')).toBeUndefined()
    files.remember('a', 1, files.begin())
    expect(files.size('a')).toBe(1)
  })
})
