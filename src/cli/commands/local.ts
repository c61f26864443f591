import type { Command } from 'commander'
import { createEffectRegistry } from '../../effects/index.js'
import { registerPlanCommand } from './plan.js'
import { registerValidateCommand } from './validate.js'

/** Commands that work offline, without a server: plan and validate recipes */
export function registerLocalCommands (program: Command): void {
  const deps = { effects: () => createEffectRegistry() }
  registerPlanCommand(program, deps)
  registerValidateCommand(program, deps)
}
