import cliProgress from 'cli-progress'

/** A progress bar on stderr that stays quiet when stderr is not a terminal or --json is set */
export function progressBar (label: string, enabled: boolean): { start(total: number): void, update(value: number, payload?: Record<string, unknown>): void, stop(): void } {
  if (!enabled || process.stderr.isTTY !== true) {
    return { start () {}, update () {}, stop () {} }
  }
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    format: `${label} [{bar}] {percentage}% | {value}/{total} {unit}`,
    hideCursor: true,
    clearOnComplete: true
  }, cliProgress.Presets.shades_classic)
  return {
    start: (total) => { bar.start(total, 0, { unit: '' }) },
    update: (value, payload) => { bar.update(value, payload) },
    stop: () => { bar.stop() }
  }
}
