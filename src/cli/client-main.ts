import { EXIT } from './client.js'
import { clientProgram, runProgram } from './program.js'

/** Entry of the downloadable single-file client: only the commands that talk to a server */
runProgram(clientProgram(), process.argv).then((code) => { process.exitCode = code }, (err: unknown) => {
  process.stderr.write(`artdag: ${String(err)}\n`)
  process.exitCode = EXIT.failed
})
