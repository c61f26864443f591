import { writeFile } from 'node:fs/promises'
import { SwarmKey } from '../../mesh/index.js'
import { CliError, EXIT } from '../client.js'
import type { Command } from 'commander'

/**
 * `artdag swarm-key [-o file]`: a new random cluster key in the swarm key file format, on stdout or
 * into a new file readable by its owner only (an existing file is never overwritten).
 */
export function registerSwarmKeyCommand (program: Command): void {
  program.command('swarm-key')
    .description('generate a cluster key (give it to every node of the cluster as ARTDAG_SWARM_KEY)')
    .option('-o, --output <file>', 'write it to this new file (mode 600) instead of stdout')
    .action(async (flags: { output?: string }) => {
      const text = SwarmKey.generate().fileText()
      if (flags.output == null) {
        process.stdout.write(text)
        return
      }
      try {
        await writeFile(flags.output, text, { mode: 0o600, flag: 'wx' })
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        throw new CliError(`${flags.output}: ${code === 'EEXIST' ? 'the file exists already (a key is never overwritten)' : code ?? (err as Error).message}`, EXIT.usage)
      }
      process.stderr.write(`artdag: swarm key written to ${flags.output}; copy it to every node of the cluster and set ARTDAG_SWARM_KEY=<its path>\n`)
    })
}
