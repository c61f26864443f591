import { describe, expect, it } from 'vitest'
import { runFraction } from '../../src/cli/watch.js'
import type { RunRecord } from '../../src/state/types.js'

const run = (status: RunRecord['status'], steps: Array<[string, RunRecord['steps'][number]['status']]>): RunRecord =>
  ({ id: 'r', status, steps: steps.map(([id, s]) => ({ id, status: s })) }) as unknown as RunRecord

describe('runFraction', () => {
  it('should count finished steps whole and running ones by their reported fraction', () => {
    const r = run('running', [['src', 'cached'], ['a', 'completed'], ['b', 'running'], ['c', 'pending']])
    expect(runFraction(r, new Map([['b', 0.5]]))).toBe(0.625)
    expect(runFraction(r, new Map())).toBe(0.5)
  })

  it('should clamp fractions and ignore those of steps that are not running', () => {
    const r = run('running', [['a', 'running'], ['b', 'pending']])
    expect(runFraction(r, new Map([['a', 7], ['b', 0.9]]))).toBe(0.5)
  })

  it('should call a run without steps done only when it is final', () => {
    expect(runFraction(run('running', []), new Map())).toBe(0)
    expect(runFraction(run('completed', []), new Map())).toBe(1)
  })
})
