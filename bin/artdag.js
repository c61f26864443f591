#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build`.
import('../dist/src/cli/main.js').catch((err) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
