import { EXIT } from './client.js'
import { main } from './program.js'

main(process.argv).then((code) => { process.exitCode = code }, (err: unknown) => {
  process.stderr.write(`artdag: ${String(err)}\n`)
  process.exitCode = EXIT.failed
})
