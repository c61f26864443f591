import { buildEffectCommand } from '../effect-command.js'
import { EffectMismatchError, InvalidStepConfigError } from '../errors.js'
import type { StepContext, StepPlan } from './context.js'
import { describe } from './context.js'

/**
 * EFFECT: a registry effect by `step.effect.name` (or `config.effect`), params in `config.params`.
 * Params given flat in config (the later upstream form) are accepted when there is no `params`.
 * A pinned version/hash on the step that differs from the registry's fails: the step's cache id was
 * computed for another definition of the effect.
 */
export function buildEffect (ctx: StepContext): StepPlan {
  const { step } = ctx
  const name = step.effect?.name ?? step.config.effect
  if (typeof name !== 'string' || name === '') {
    throw new InvalidStepConfigError(`EFFECT step "${step.id}" names no effect (step.effect.name or config.effect), got ${describe(name)}`)
  }
  const effect = ctx.registry.require(name)
  if (step.effect != null && (step.effect.version !== effect.definition.version || step.effect.hash !== effect.definition.hash)) {
    throw new EffectMismatchError(
      `effect "${name}" of step "${step.id}" was planned as version ${step.effect.version} (hash ${step.effect.hash.slice(0, 12)}), ` +
      `but this worker has version ${effect.definition.version} (hash ${effect.definition.hash.slice(0, 12)})`
    )
  }
  const params = ctx.registry.resolveParams(name, step.config.params ?? flatParams(step.config))
  if (effect.spec.passthrough === true && ctx.encoding.choice === undefined) return { kind: 'input', index: 0 }
  const input = ctx.inputs[0]
  if (input == null) throw new InvalidStepConfigError(`EFFECT step "${step.id}" has no input`)
  return buildEffectCommand({ effect, params, input, workDir: ctx.workDir, seed: ctx.seed, encoding: ctx.encoding })
}

/** config keys that are not effect params in the flat form */
const RESERVED = new Set(['effect', 'cid', 'hash', 'url', 'params'])

function flatParams (config: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([key]) => !RESERVED.has(key)))
}
