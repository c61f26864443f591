import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { projectRoot } from '../../src/util/paths.js'

interface Service {
  image?: string
  build?: unknown
  command?: string[]
  environment?: Record<string, string>
  ports?: string[]
  depends_on?: Record<string, { condition: string }> | string[]
  healthcheck?: { test?: unknown, disable?: boolean }
}

const dir = join(projectRoot(), 'docker')

describe('docker/compose.yml', () => {
  it('should build one image, run it unprivileged, start each service once what it needs is healthy, and keep the cluster closed', async () => {
    const compose = parse(await readFile(join(dir, 'compose.yml'), 'utf8'), { merge: true }) as { version?: unknown, services: Record<string, Service> }
    const dockerfile = await readFile(join(dir, 'Dockerfile'), 'utf8')
    expect(compose.version).toBeUndefined()
    const services = Object.entries(compose.services)
    const artdag = services.filter(([, s]) => s.image?.startsWith('artdag-l1') === true)
    expect(artdag.map(([name]) => name).sort()).toEqual(['node-a', 'node-b', 'node-c', 'worker-a'])
    expect(new Set(artdag.map(([, s]) => s.image)).size).toBe(1)
    expect(services.filter(([, s]) => s.build != null).map(([name]) => name)).toEqual(['node-a'])
    // the image's last USER is not root, and it has a health check for depends_on to wait on
    expect(/^USER\s+(\S+)/m.exec(dockerfile.split('\n').filter((l) => l.startsWith('USER')).at(-1) ?? '')?.[1]).toBe('node')
    expect(dockerfile).toMatch(/^HEALTHCHECK /m)
    for (const [name, s] of services) {
      for (const [dep, how] of Object.entries(s.depends_on ?? {})) {
        expect([name, typeof how]).toEqual([name, 'object'])
        const target = compose.services[dep]
        expect(target, `${name} depends on unknown ${dep}`).toBeDefined()
        // a dependency on a node only for its image may wait for its start; everything else waits for health
        if ((how as { condition: string }).condition !== 'service_healthy') expect([name, dep, how]).toEqual([name, 'node-a', { condition: 'service_started' }])
        else expect([dep, target?.healthcheck?.disable]).not.toEqual([dep, true])
      }
    }
    // one swarm key for every member; Redis only with its password and never published
    const keys = new Set(artdag.map(([, s]) => s.environment?.ARTDAG_SWARM_KEY))
    expect([...keys]).toHaveLength(1)
    expect([...keys][0]).toMatch(/^\$\{ARTDAG_SWARM_KEY:\?/)
    for (const [name, s] of artdag) expect([name, s.environment?.REDIS_URL]).toEqual([name, expect.stringMatching(/^redis:\/\/:\$\{ARTDAG_REDIS_PASSWORD\}@redis-[abc]:6379\/5$/)])
    for (const [name, s] of services) {
      for (const port of s.ports ?? []) expect([name, port]).toEqual([name, expect.stringMatching(/^127\.0\.0\.1:/)])
      if (name.startsWith('redis')) expect(s.ports).toBeUndefined()
    }
    expect(compose.services['worker-a']?.command).toEqual(['worker'])
  })
})
