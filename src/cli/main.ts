import { EXIT } from './client.js'
import { fullProgram } from './full-program.js'
import { runProgram } from './program.js'

runProgram(fullProgram(), process.argv).then((code) => { process.exitCode = code }, (err: unknown) => {
  process.stderr.write(`artdag: ${String(err)}\n`)
  process.exitCode = EXIT.failed
})
