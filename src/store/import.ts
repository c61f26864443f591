import { constants } from 'node:fs'
import { open, readlink, realpath, stat, type FileHandle } from 'node:fs/promises'
import { isAbsolute, relative, resolve } from 'node:path'
import {
  ImportDisabledError, ImportFileChangedError, ImportFileNotFoundError, ImportNotAFileError, ImportUnreadableError,
  OutsideImportDirsError
} from './errors.js'
import type { AddResult, ContentStore, WriteOptions } from './types.js'

export interface ImportFileInit extends WriteOptions {
  /** folders files may be imported from; none means import is disabled */
  importDirs: string[]
  store: Pick<ContentStore, 'addStream'>
}

/** bytes per read of an imported file */
const READ_CHUNK_BYTES = 1024 * 1024
/**
 * An import opens the path it resolved without following a last symlink, and without blocking on a FIFO
 * put there meanwhile (the descriptor's type is checked before any read)
 */
const IMPORT_OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK

function inside (dir: string, path: string): boolean {
  const rel = relative(dir, path)
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)
}

function unreadable (path: string, err: unknown): ImportUnreadableError {
  return new ImportUnreadableError(`file "${path}" cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
}

/** Throws a named error unless `path` is an existing, readable regular file (files the node wrote itself) */
export async function checkFile (path: string): Promise<void> {
  let info
  try {
    info = await stat(path)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ImportFileNotFoundError(`file "${path}" does not exist`)
    throw unreadable(path, err)
  }
  if (info.isDirectory()) throw new ImportNotAFileError(`"${path}" is a directory, not a file`)
  if (!info.isFile()) throw new ImportNotAFileError(`"${path}" is not a regular file`)
  // open rather than access(R_OK): access checks the real uid, open the effective one that will read
  try {
    const handle = await open(path, 'r')
    await handle.close()
  } catch (err) {
    throw unreadable(path, err)
  }
}

/** the import directories with their symlinks resolved; a configured folder that does not exist admits nothing */
async function realDirs (importDirs: string[]): Promise<string[]> {
  const dirs: string[] = []
  for (const dir of importDirs) {
    try {
      dirs.push(await realpath(resolve(dir)))
    } catch {}
  }
  return dirs
}

/**
 * Resolves a server-side path for import: it must lie inside one of the import directories both as
 * written (no `..` escape) and after resolving symlinks (no symlink escape). Returns the real path. Only
 * a first check: what is read is decided by the descriptor importFile opens (see openImport).
 */
export async function resolveImportPath (path: string, importDirs: string[]): Promise<string> {
  if (importDirs.length === 0) throw new ImportDisabledError('importing server files is disabled: no import directories are configured')
  const dirs = await realDirs(importDirs)
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
    throw unreadable(path, err)
  }
  if (!dirs.some((d) => inside(d, real))) {
    throw new OutsideImportDirsError(`"${path}" resolves to a location outside the import directories`)
  }
  return real
}

/**
 * Opens the resolved path and checks what was opened, not the path: a file swapped for a symlink after
 * resolveImportPath fails to open (O_NOFOLLOW), a directory on the way swapped for a symlink shows in the
 * descriptor's own path (/proc/self/fd), and the descriptor must be a regular file. The bytes are then
 * read from this descriptor, so nothing can change between the check and the read.
 */
async function openImport (path: string, real: string, importDirs: string[]): Promise<FileHandle> {
  let handle: FileHandle
  try {
    handle = await open(real, IMPORT_OPEN_FLAGS)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ELOOP') throw new ImportFileChangedError(`"${path}" was replaced by a symbolic link while it was being imported`)
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ImportFileNotFoundError(`file "${path}" does not exist`)
    throw unreadable(path, err)
  }
  try {
    const [opened, info] = await Promise.all([openedPath(handle), handle.stat()])
    if (!(await realDirs(importDirs)).some((d) => inside(d, opened))) {
      throw new OutsideImportDirsError(`"${path}" resolves to a location outside the import directories`)
    }
    if (info.isDirectory()) throw new ImportNotAFileError(`"${path}" is a directory, not a file`)
    if (!info.isFile()) throw new ImportNotAFileError(`"${path}" is not a regular file`)
    return handle
  } catch (err) {
    await handle.close()
    throw err
  }
}

/**
 * Where the kernel says an open file is: the link text of /proc/self/fd/N, absolute with every symlink
 * resolved. A file unlinked since it was opened (replaced by a rename) reads "<path> (deleted)": the place
 * it was opened at, which is what counts here.
 */
async function openedPath (handle: FileHandle): Promise<string> {
  return (await readlink(`/proc/self/fd/${handle.fd}`)).replace(/ \(deleted\)$/, '')
}

async function * readAll (handle: FileHandle, path: string, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  for (;;) {
    signal?.throwIfAborted()
    const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES)
    let bytesRead: number
    try {
      ({ bytesRead } = await handle.read(buffer, 0, buffer.length, null))
    } catch (err) {
      throw unreadable(path, err)
    }
    if (bytesRead === 0) return
    yield buffer.subarray(0, bytesRead)
  }
}

/** Adds a server-side file to the store, only from the configured import directories */
export async function importFile (path: string, init: ImportFileInit): Promise<AddResult> {
  init.signal?.throwIfAborted()
  const real = await resolveImportPath(path, init.importDirs)
  const handle = await openImport(path, real, init.importDirs)
  try {
    return await init.store.addStream(readAll(handle, path, init.signal), { signal: init.signal, ...(init.hold != null ? { hold: init.hold } : {}) })
  } finally {
    await handle.close()
  }
}
