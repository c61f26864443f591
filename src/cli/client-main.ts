import { EXIT } from './client.js'
import { registerLocalCommands } from './commands/local.js'
import { setDefaultServer } from './context.js'
import { clientProgram, runProgram } from './program.js'

/**
 * Entry of the downloadable single-file client: the commands that talk to a server, plus the offline
 * recipe checks (validate, plan). Lines at the top of the file set two globals: the hashes of the bundled
 * assets (scripts/build-client.mjs; the asset files are not downloaded) and the node that served the file
 * (src/web/client-bundle.ts), the default server. Run from dist/ instead, neither is set.
 */
const given = globalThis as { ARTDAG_DOWNLOADED_FROM?: unknown, ARTDAG_ASSET_HASHES?: Record<string, string> }
if (typeof given.ARTDAG_DOWNLOADED_FROM === 'string') setDefaultServer(given.ARTDAG_DOWNLOADED_FROM)
const program = clientProgram()
registerLocalCommands(program, given.ARTDAG_ASSET_HASHES != null ? { assetHashes: given.ARTDAG_ASSET_HASHES } : {})
runProgram(program, process.argv).then((code) => { process.exitCode = code }, (err: unknown) => {
  process.stderr.write(`artdag: ${String(err)}\n`)
  process.exitCode = EXIT.failed
})
