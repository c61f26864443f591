import type { Command } from 'commander'
import { createEffectRegistry, type EffectRegistryInit } from '../../effects/index.js'
import type { AssetRecord } from '../../state/index.js'
import { clientFor } from '../context.js'
import { registerPlanCommand } from './plan.js'
import { registerValidateCommand } from './validate.js'

/**
 * Commands that work offline, without a server: plan and validate recipes (effects: how the catalog is
 * made). Only asset names given to `plan` are looked up on the node (--server, or the saved one).
 */
export function registerLocalCommands (program: Command, effects: EffectRegistryInit = {}): void {
  const catalog = (): ReturnType<typeof createEffectRegistry> => createEffectRegistry(effects)
  const assetCids = async (names: readonly string[]): Promise<ReadonlyMap<string, string>> => {
    const { items } = await clientFor(program).json<{ items: AssetRecord[] }>('GET', '/assets')
    return new Map(items.filter((a) => names.includes(a.name)).map((a) => [a.name, a.cid]))
  }
  registerPlanCommand(program, { effects: catalog, assetCids })
  registerValidateCommand(program, { effects: catalog })
}
