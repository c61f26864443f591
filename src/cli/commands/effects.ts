import type { Command } from 'commander'
import type { EffectEntry, ParamEntry } from '../../effects/index.js'
import { clientFor, print } from '../context.js'
import { terminalText as t } from '../terminal-text.js'

/** `1..64` / `0..1 step 0.01`: what a param accepts, in one short cell */
function accepts (p: ParamEntry): string {
  if (p.options !== undefined) return p.options.join(' | ')
  if (p.min !== undefined || p.max !== undefined) return `${p.min ?? '-inf'}..${p.max ?? 'inf'}${p.unit !== undefined ? ` ${p.unit}` : ''}`
  if (p.type === 'color') return 'name, #rrggbb or 0xrrggbb'
  if (p.type === 'boolean') return 'true | false'
  return p.type
}

function table (rows: string[][]): string {
  const widths = rows[0]?.map((_cell, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? []
  return rows.map((r) => r.map((cell, i) => i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)).join('  ')).join('\n')
}

/** Every effect on one line: name, group, params, description */
export function describeCatalogue (items: readonly EffectEntry[]): string {
  const rows = [['EFFECT', 'GROUP', 'PARAMS', 'DESCRIPTION']]
  for (const e of items) {
    rows.push([t(e.name), t(e.group) + (e.temporal ? ' *' : ''), e.params.map((p) => t(p.name)).join(',') || '-', t(e.description)])
  }
  return `${table(rows)}\n\n* temporal: on a still picture it renders a clip\n${items.length} effects; \`artdag effects <name>\` for the parameters`
}

/** One effect: what it does, and each param's type, accepted values, default and meaning */
export function describeEntry (e: EffectEntry): string {
  const head = [
    `${t(e.name)} ${t(e.version)} (${t(e.group)})`,
    t(e.description),
    ...(e.temporal ? ['temporal: looks at several frames; on a still picture it renders a clip'] : [])
  ]
  if (e.params.length === 0) return [...head, '', 'no parameters'].join('\n')
  const rows = [['PARAM', 'TYPE', 'ACCEPTS', 'DEFAULT', 'DESCRIPTION']]
  for (const p of e.params) rows.push([t(p.name), p.type, t(accepts(p)), t(String(p.default ?? '-')), t(p.description)])
  return [...head, '', table(rows), '', `e.g. artdag render ${t(e.name)} <input> ${e.params.map((p) => `-p ${t(p.name)}=${t(String(p.default ?? ''))}`).join(' ')}`].join('\n')
}

export function registerEffectsCommand (program: Command): void {
  program.command('effects').argument('[name]', 'one effect: its parameters in detail')
    .description('list the effects the node offers, or one effect with its parameters (type, range, default, unit)')
    .action(async (name: string | undefined, _opts: unknown, cmd: Command) => {
      const client = clientFor(cmd)
      if (name === undefined) {
        const list = await client.json<{ items: EffectEntry[], total: number }>('GET', '/effects')
        print(cmd, describeCatalogue(list.items), list)
      } else {
        const entry = await client.json<EffectEntry>('GET', `/effects/${encodeURIComponent(name)}`)
        print(cmd, describeEntry(entry), entry)
      }
    })
}
