import type { Command } from 'commander'
import { createEffectRegistry, type EffectRegistryInit } from '../../effects/index.js'
import { registerPlanCommand } from './plan.js'
import { registerValidateCommand } from './validate.js'

/** Commands that work offline, without a server: plan and validate recipes (effects: how the catalog is made) */
export function registerLocalCommands (program: Command, effects: EffectRegistryInit = {}): void {
  const deps = { effects: () => createEffectRegistry(effects) }
  registerPlanCommand(program, deps)
  registerValidateCommand(program, deps)
}
