import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sha3Hex } from '../util/index.js'
import { ASSETS_SUBDIR } from './constants.js'
import { MissingAssetError } from './errors.js'

/**
 * The bundled assets dir (config/assets of the package). Found by walking up from this file, so it
 * works from src/ (vitest, tsx) and from dist/src/ (compiled) alike.
 */
export function defaultAssetsDir (): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = join(dir, ASSETS_SUBDIR)
    if (existsSync(join(candidate, 'dog.png'))) return candidate
    const parent = dirname(dir)
    if (parent === dir) throw new MissingAssetError(`bundled assets not found: no ${ASSETS_SUBDIR}/dog.png above ${fileURLToPath(import.meta.url)}`)
    dir = parent
  }
}

/** Path and SHA3-256 of one asset file; the hash goes into the definition hash of effects using it */
export function loadAsset (assetsDir: string, file: string): { path: string, sha3: string } {
  const path = join(assetsDir, file)
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch {
    throw new MissingAssetError(`asset "${file}" not found in ${assetsDir}`)
  }
  return { path, sha3: sha3Hex(bytes) }
}
