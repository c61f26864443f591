import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importFile, resolveImportPath } from '../../src/store/index.js'
import { startTestNode, tempDir, testBytes, type TestNode, removeDir } from '../fixtures/helia.js'

describe('importFile', () => {
  let t: TestNode
  let root: string
  let dir: string
  let outside: string
  beforeAll(async () => {
    t = await startTestNode()
    root = await tempDir('artdag-test-import-')
    dir = join(root, 'imports')
    outside = join(root, 'secret')
    await mkdir(join(dir, 'sub'), { recursive: true })
    await mkdir(outside)
    await writeFile(join(dir, 'sub', 'ok.bin'), testBytes(5000, 1))
    await writeFile(join(outside, 'key.txt'), 'secret')
    await symlink(join(outside, 'key.txt'), join(dir, 'escape.txt'))
    await symlink(outside, join(dir, 'escape-dir'))
    await symlink(join(dir, 'sub', 'ok.bin'), join(dir, 'inner-link.bin'))
  })
  afterAll(async () => {
    await t.cleanup()
    await removeDir(root)
  })

  it('should import a file inside an import directory, also through an inner symlink', async () => {
    const direct = await importFile(join(dir, 'sub', 'ok.bin'), { importDirs: [dir], store: t.store })
    const linked = await importFile(join(dir, 'inner-link.bin'), { importDirs: [dir], store: t.store })
    expect(linked.cid).toBe(direct.cid)
    expect(direct.size).toBe(5000)
  })

  it('should refuse when import is disabled', async () => {
    await expect(importFile(join(dir, 'sub', 'ok.bin'), { importDirs: [], store: t.store }))
      .rejects.toThrow('importing server files is disabled: no import directories are configured')
  })

  it('should refuse .. traversal out of the import directories', async () => {
    const path = join(dir, '..', 'secret', 'key.txt')
    await expect(importFile(`${dir}/../secret/key.txt`, { importDirs: [dir], store: t.store }))
      .rejects.toThrow(`"${dir}/../secret/key.txt" is outside the import directories`)
    await expect(resolveImportPath(path, [dir])).rejects.toMatchObject({ name: 'OutsideImportDirsError' })
    await expect(resolveImportPath(dir, [dir])).rejects.toThrow(`"${dir}" is outside the import directories`)
  })

  it('should refuse a symlink that escapes the import directories', async () => {
    await expect(importFile(join(dir, 'escape.txt'), { importDirs: [dir], store: t.store }))
      .rejects.toThrow(`"${join(dir, 'escape.txt')}" resolves to a location outside the import directories`)
    await expect(resolveImportPath(join(dir, 'escape-dir', 'key.txt'), [dir]))
      .rejects.toThrow(`"${join(dir, 'escape-dir', 'key.txt')}" resolves to a location outside the import directories`)
  })

  it('should name a missing file, a directory and an unreadable file', async () => {
    const importAt = async (path: string): Promise<unknown> => await importFile(path, { importDirs: [dir], store: t.store })
    await expect(importAt(join(dir, 'nope.bin'))).rejects.toThrow(`file "${join(dir, 'nope.bin')}" does not exist`)
    await expect(importAt(join(dir, 'sub'))).rejects.toThrow(`"${join(dir, 'sub')}" is a directory, not a file`)
    const locked = join(dir, 'sub', 'locked.bin')
    await writeFile(locked, 'x')
    await chmod(locked, 0o000)
    if (process.geteuid?.() === 0 && process.seteuid != null) {
      // root reads anything: check as an unprivileged user (effective uid only, restored right after)
      await chmod(root, 0o755)
      process.seteuid(65534)
      try {
        await expect(importAt(locked)).rejects.toThrow(`file "${locked}" cannot be read: EACCES`)
      } finally {
        process.seteuid(0)
      }
    } else {
      await expect(importAt(locked)).rejects.toThrow(`file "${locked}" cannot be read: EACCES`)
    }
  })

  it('should abort when passed an aborted signal', async () => {
    await expect(importFile(join(dir, 'sub', 'ok.bin'), { importDirs: [dir], store: t.store, signal: AbortSignal.abort() }))
      .rejects.toMatchObject({ name: 'AbortError' })
  })
})
