import { open, realpath, stat } from 'node:fs/promises'
import { isAbsolute, relative, resolve } from 'node:path'
import {
  ImportDisabledError, ImportFileNotFoundError, ImportNotAFileError, ImportUnreadableError, OutsideImportDirsError
} from './errors.js'
import type { AddResult, ContentStore, WriteOptions } from './types.js'

export interface ImportFileInit extends WriteOptions {
  /** folders files may be imported from; none means import is disabled */
  importDirs: string[]
  store: Pick<ContentStore, 'addFile'>
}

function inside (dir: string, path: string): boolean {
  const rel = relative(dir, path)
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)
}

/** Throws a named error unless `path` is an existing, readable regular file */
export async function checkFile (path: string): Promise<void> {
  let info
  try {
    info = await stat(path)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ImportFileNotFoundError(`file "${path}" does not exist`)
    throw new ImportUnreadableError(`file "${path}" cannot be read: ${code ?? (err as Error).message}`)
  }
  if (info.isDirectory()) throw new ImportNotAFileError(`"${path}" is a directory, not a file`)
  if (!info.isFile()) throw new ImportNotAFileError(`"${path}" is not a regular file`)
  // open rather than access(R_OK): access checks the real uid, open the effective one that will read
  try {
    const handle = await open(path, 'r')
    await handle.close()
  } catch (err) {
    throw new ImportUnreadableError(`file "${path}" cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'}`)
  }
}

/**
 * Resolves a server-side path for import: it must lie inside one of the import directories both as
 * written (no `..` escape) and after resolving symlinks (no symlink escape). Returns the real path.
 */
export async function resolveImportPath (path: string, importDirs: string[]): Promise<string> {
  if (importDirs.length === 0) throw new ImportDisabledError('importing server files is disabled: no import directories are configured')
  const dirs: string[] = []
  for (const dir of importDirs) {
    try {
      dirs.push(await realpath(resolve(dir)))
    } catch {
      // a configured folder that does not exist admits nothing
    }
  }
  const lexical = resolve(path)
  if (!importDirs.some((d) => inside(resolve(d), lexical)) && !dirs.some((d) => inside(d, lexical))) {
    throw new OutsideImportDirsError(`"${path}" is outside the import directories`)
  }
  let real: string
  try {
    real = await realpath(lexical)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ImportFileNotFoundError(`file "${path}" does not exist`)
    throw new ImportUnreadableError(`file "${path}" cannot be read: ${code ?? (err as Error).message}`)
  }
  if (!dirs.some((d) => inside(d, real))) {
    throw new OutsideImportDirsError(`"${path}" resolves to a location outside the import directories`)
  }
  await checkFile(real)
  return real
}

/** Adds a server-side file to the store, only from the configured import directories */
export async function importFile (path: string, init: ImportFileInit): Promise<AddResult> {
  init.signal?.throwIfAborted()
  const real = await resolveImportPath(path, init.importDirs)
  return await init.store.addFile(real, { signal: init.signal, ...(init.hold != null ? { hold: init.hold } : {}) })
}
