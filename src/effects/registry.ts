import { hashCanonical } from '../util/index.js'
import { defaultAssetsDir, loadAsset } from './assets.js'
import { BUILTIN_EFFECTS } from './builtins/index.js'
import { InvalidEffectParamError, MissingAssetError, UnknownEffectError } from './errors.js'
import { resolveParams } from './params.js'
import type { EffectSpec, ResolvedParams } from './spec.js'
import type { EffectCatalog, EffectDefinition } from './types.js'

/** An effect as the registry holds it: its public definition and how it runs */
export interface RegisteredEffect {
  definition: EffectDefinition
  spec: EffectSpec
  /** asset file name -> absolute path */
  assets: Readonly<Record<string, string>>
}

export interface EffectRegistry extends EffectCatalog {
  /** the effect with its runnable spec; UnknownEffectError when there is none */
  require(name: string): RegisteredEffect
  /** validated params with defaults; InvalidEffectParamError / UnknownEffectError on bad input */
  resolveParams(name: string, raw: unknown): ResolvedParams
}

export interface EffectRegistryInit {
  /** where dog.png and the other bundled assets live @default config/assets of the package */
  assetsDir?: string
  /** the effects to register @default BUILTIN_EFFECTS */
  effects?: readonly EffectSpec[]
  /**
   * SHA3-256 of each asset file by name, where the files are not at hand: the downloaded client checks and
   * plans recipes (the hashes go into the effect hashes) but renders nothing. Assets are read from assetsDir otherwise.
   */
  assetHashes?: Readonly<Record<string, string>>
}

function knownAsset (hashes: Readonly<Record<string, string>>, file: string): { path: string, sha3: string } {
  const sha3 = hashes[file]
  if (sha3 == null) throw new MissingAssetError(`asset "${file}" has no known hash`)
  return { path: '', sha3 }
}

class BuiltinEffectRegistry implements EffectRegistry {
  private readonly effects = new Map<string, RegisteredEffect>()

  constructor (init: EffectRegistryInit) {
    const specs = init.effects ?? BUILTIN_EFFECTS
    const needsAssets = specs.some((spec) => (spec.assets?.length ?? 0) > 0)
    const assetsDir = needsAssets && init.assetHashes == null ? init.assetsDir ?? defaultAssetsDir() : ''
    for (const spec of specs) {
      if (this.effects.has(spec.name)) throw new Error(`effect "${spec.name}" is registered twice`)
      const assetHashes: Record<string, string> = {}
      const assetPaths: Record<string, string> = {}
      for (const file of spec.assets ?? []) {
        const asset = init.assetHashes == null ? loadAsset(assetsDir, file) : knownAsset(init.assetHashes, file)
        assetHashes[file] = asset.sha3
        assetPaths[file] = asset.path
      }
      const definition: EffectDefinition = {
        name: spec.name,
        version: spec.version,
        description: spec.description,
        group: spec.group,
        params: spec.params,
        temporal: spec.temporal,
        ...(spec.needsMotion === true ? { needsMotion: true } : {}),
        ...(spec.check === undefined ? {} : { check: spec.check }),
        // the template, lookups and asset bytes are hashed too: a change in how it renders is a new effect
        hash: hashCanonical(hashInputOf(spec, assetHashes))
      }
      this.effects.set(spec.name, { definition, spec, assets: assetPaths })
    }
  }

  get (name: string): EffectDefinition | undefined {
    return this.effects.get(name)?.definition
  }

  list (): EffectDefinition[] {
    return [...this.effects.values()].map((effect) => effect.definition)
  }

  require (name: string): RegisteredEffect {
    const effect = this.effects.get(name)
    if (effect == null) {
      throw new UnknownEffectError(`unknown effect "${name}" (known: ${[...this.effects.keys()].sort().join(', ')})`)
    }
    return effect
  }

  resolveParams (name: string, raw: unknown): ResolvedParams {
    const { spec } = this.require(name)
    const params = resolveParams(name, spec.params, raw)
    const problem = spec.check?.(params)
    if (problem != null) throw new InvalidEffectParamError(`effect "${name}": ${problem}`)
    return params
  }
}

/** What decides how an effect renders; wording (descriptions, units, slider steps, group) is left out */
function hashInputOf (spec: EffectSpec, assetHashes: Record<string, string>): unknown {
  const params = Object.fromEntries(Object.entries(spec.params).map(([name, { type, min, max, values, default: value }]) =>
    [name, { type, min, max, values, default: value }]))
  return {
    name: spec.name,
    version: spec.version,
    params,
    temporal: spec.temporal,
    template: spec.template,
    lookups: spec.lookups ?? {},
    assets: assetHashes,
    passthrough: spec.passthrough === true
  }
}

/** The effect registry with every built-in effect; reads the bundled asset files once to hash them */
export function createEffectRegistry (init: EffectRegistryInit = {}): EffectRegistry {
  return new BuiltinEffectRegistry(init)
}
