import { readFile } from 'node:fs/promises'
import { parse } from 'dotenv'
import { describe, expect, it } from 'vitest'
import { ENV_KEYS, loadConfig, configFromEnv } from '../../src/config/index.js'
import { projectRoot } from '../../src/util/paths.js'

describe('.env.example', () => {
  it('should list every environment variable of the config, each with a comment', async () => {
    const text = await readFile(`${projectRoot()}/.env.example`, 'utf8')
    const lines = text.split('\n')
    for (const name of Object.keys(ENV_KEYS)) {
      const at = lines.findIndex((l) => new RegExp(`^#? ?${name}=`).test(l))
      expect([name, at >= 0]).toEqual([name, true])
      expect([name, lines.slice(Math.max(0, at - 3), at).some((l) => l.startsWith('# ') && !/^# ?[A-Z0-9_]+=/.test(l))]).toEqual([name, true])
    }
  })

  it('should hold values the config accepts', async () => {
    const env = parse(await readFile(`${projectRoot()}/.env.example`, 'utf8'))
    const config = loadConfig(configFromEnv(env, '/nonexistent/.env'))
    expect(config.port).toBe(8100)
    expect(config.authMode).toBe('local')
    expect(config.maxUploadBytes).toBe(2 * 1024 ** 3)
  })
})
