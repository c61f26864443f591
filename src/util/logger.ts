import { pino, type Logger } from 'pino'

export type { Logger }

export interface LoggerInit {
  /** @default 'info' */
  level?: string
  /** write to stderr so stdout stays clean for the CLI's JSON output @default true */
  stderr?: boolean
}

/** The root logger; components take `logger.child({ component: 'area:part' })` */
export function createLogger (init: LoggerInit = {}): Logger {
  return pino({ level: init.level ?? 'info', base: undefined }, pino.destination(init.stderr === false ? 1 : 2))
}

/** A logger that drops everything: for tests and library use */
export function silentLogger (): Logger {
  return pino({ level: 'silent' })
}
