import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'

const ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run']

export interface Chromium {
  context: BrowserContext
  close(): Promise<void>
}

/** Debian's chromium with a throwaway profile; confirm dialogs are accepted, any other dialog is recorded */
export async function launchChromium (width = 1280, height = 800): Promise<Chromium & { dialogs: string[] }> {
  const profile = await mkdtemp(join(tmpdir(), 'artdag-chromium-'))
  const context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args: ARGS, headless: true, viewport: { width, height } })
  const dialogs: string[] = []
  context.on('page', (page) => {
    page.on('dialog', (dialog) => {
      if (dialog.type() === 'confirm') {
        dialog.accept().catch(() => undefined)
        return
      }
      dialogs.push(dialog.message())
      dialog.dismiss().catch(() => undefined)
    })
  })
  return {
    context,
    dialogs,
    close: async () => {
      await context.close()
      await rm(profile, { recursive: true, force: true })
    }
  }
}
