import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeEffect, effectCatalogue } from '../../src/effects/index.js'
import { startTestNode, type TestNode } from '../fixtures/node.js'
import { CLIENT, ensureBuilt, NODE24, run, type CliResult } from './run-cli.js'

const exec = promisify(execFile)

describe('artdag effects and render -o <format>', () => {
  let n: TestNode
  let dir: string
  let env: Record<string, string>
  const artdag = async (...args: string[]): Promise<CliResult> => await run(NODE24, [CLIENT, '--server', n.url, ...args], env)

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'artdag-cli-fx-'))
    env = { HOME: dir, ARTDAG_CLI_CONFIG: join(dir, 'cli.json'), ARTDAG_SERVER: '', ARTDAG_TOKEN: '' }
    await Promise.all([ensureBuilt(), startTestNode().then((node) => { n = node })])
  }, 300_000)
  afterAll(async () => {
    await n?.stop()
    if (dir != null) await rm(dir, { recursive: true, force: true })
  })

  it('should list every effect and show one with its params, or exit 5 naming the known ones', async () => {
    const list = await artdag('effects')
    expect(list.code).toBe(0)
    for (const entry of effectCatalogue()) expect(list.stdout).toMatch(new RegExp(`^${entry.name} `, 'm'))
    const one = await artdag('effects', 'rotate')
    expect(one.code).toBe(0)
    expect(one.stdout).toMatch(/^fill +color +name, #rrggbb or 0xrrggbb +black +colour of the uncovered corners$/m)
    expect(one.stdout).toMatch(/^angle +number +-360\.\.360 ° +30 +clockwise rotation$/m)
    const json = await artdag('--json', 'effects', 'edge_detect')
    expect(JSON.parse(json.stdout)).toEqual(describeEffect('edge_detect'))
    const missing = await artdag('effects', 'sparkle')
    expect(missing.code).toBe(5)
    expect(missing.stderr).toContain('no effect "sparkle" (known: identity, dog, invert')
  }, 120_000)

  it('should render a VP9 WebM for -o out.webm', async () => {
    const file = join(dir, 'out.webm')
    const result = await artdag('render', 'invert', 'cat-clip', '-o', file)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const { stdout } = await exec('ffprobe', ['-v', 'error', '-show_entries', 'format=format_name:stream=codec_name', '-select_streams', 'v:0', '-of', 'json', file])
    const probed = JSON.parse(stdout) as { format: { format_name: string }, streams: Array<{ codec_name: string }> }
    expect({ format: probed.format.format_name, codec: probed.streams[0]?.codec_name }).toEqual({ format: 'matroska,webm', codec: 'vp9' })
  }, 240_000)

  it('should refuse -o out.png for a run that makes a clip, and an extension that names no format, with exit 2', async () => {
    const png = await artdag('render', 'invert', 'cat-clip', '-o', join(dir, 'out.png'))
    expect(png.code).toBe(2)
    expect(png.stderr).toContain(`-o ${join(dir, 'out.png')}: "png" is a still picture format, but this run makes a clip: choose mp4, webm, gif, mov`)
    const odd = await artdag('render', 'invert', 'cat-clip', '-o', join(dir, 'out.xyz'))
    expect(odd.code).toBe(2)
    expect(odd.stderr).toContain('".xyz" names no output format (known: .mp4, .m4v, .webm, .gif, .mov, .png, .jpg, .jpeg)')
    // nothing was submitted for either
    const runs = JSON.parse((await artdag('--json', 'runs', 'ls')).stdout) as { total: number }
    expect(runs.total).toBe(1)
  }, 120_000)
})
