import { describe, expect, it } from 'vitest'
import { runLoadBench } from '../../bench/load.js'
import { ensureBuilt } from '../cli/run-cli.js'
import { bySuite } from '../fixtures/suite.js'

const CONNECTIONS = bySuite(50, 200)
const DURATION_S = bySuite(5, 60)
const SUBMISSIONS = bySuite(10, 50)

describe('load', () => {
  it('should serve every read without an error or a non-2xx under load and complete every submitted run', async () => {
    await ensureBuilt()
    const { raw } = await runLoadBench({ connections: CONNECTIONS, durationS: DURATION_S, submissions: SUBMISSIONS })
    process.stdout.write(`load: ${CONNECTIONS} clients x ${DURATION_S} s, ${SUBMISSIONS} runs: ${JSON.stringify(raw.groups)}\n`)
    for (const [name, group] of Object.entries(raw.groups)) {
      expect({ name, errors: group.errors, non2xx: group.non2xx }).toEqual({ name, errors: 0, non2xx: 0 })
      expect(group.total, name).toBeGreaterThan(0)
    }
    expect(raw.submissions.failed).toEqual([])
    expect(raw.submissions.completed).toBe(SUBMISSIONS)
  }, bySuite(180_000, 600_000))
})
