import { expect } from 'vitest'

/** One hostile request and the answer it must get */
export interface BadCase {
  label: string
  method?: string
  path: string
  headers?: Record<string, string>
  body?: string | Uint8Array
  /** the exact status, or any 4xx when omitted */
  status?: number
  /** the `error` code of the JSON answer */
  error?: string
  /** the exact `message`, or a pattern it must match */
  message?: string | RegExp
}

export interface Answer {
  status: number
  text: string
  json: Record<string, unknown> | undefined
}

/**
 * Counts the cases a bad-input test sent and every answer that was a 5xx, so each file can assert
 * "zero 5xx" once and print how many cases it ran (the quick and full suites differ in size).
 */
export class Tally {
  cases = 0
  readonly serverErrors: string[] = []
  readonly mismatches: string[] = []

  constructor (readonly area: string) {}

  /** Sends `c` to `base` and checks the answer against it; mismatches are collected, not thrown, to see them all */
  async send (base: string, c: BadCase): Promise<Answer> {
    const res = await fetch(`${base}${c.path}`, {
      method: c.method ?? 'GET',
      headers: { accept: 'application/json', ...c.headers },
      ...(c.body != null ? { body: c.body } : {})
    })
    const answer = await readAnswer(res)
    this.check(c, answer)
    return answer
  }

  /** Checks an answer obtained some other way (raw sockets, the CLI...) */
  check (c: Omit<BadCase, 'path'> & { path?: string }, answer: Answer): void {
    this.cases++
    const where = `${c.label}: ${c.method ?? 'GET'} ${c.path ?? ''} -> ${answer.status} ${answer.text.slice(0, 300)}`
    if (answer.status >= 500) this.serverErrors.push(where)
    const wrongStatus = c.status != null ? answer.status !== c.status : answer.status < 400 || answer.status >= 500
    const message = typeof answer.json?.message === 'string' ? answer.json.message : undefined
    const wrongError = c.error != null && answer.json?.error !== c.error
    const wrongMessage = c.message != null && (message == null || (typeof c.message === 'string' ? message !== c.message : !c.message.test(message)))
    const noMessage = answer.status >= 400 && (message == null || message === '')
    if (wrongStatus || wrongError || wrongMessage || noMessage) this.mismatches.push(where)
  }

  /** Asserts zero 5xx and zero unexpected answers, and prints the count */
  done (): void {
    process.stdout.write(`bad-input ${this.area}: ${this.cases} cases, ${this.serverErrors.length} 5xx\n`)
    expect(this.serverErrors).toEqual([])
    expect(this.mismatches).toEqual([])
  }
}

export async function readAnswer (res: Response): Promise<Answer> {
  const text = await res.text()
  let json: Record<string, unknown> | undefined
  try {
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed === 'object' && parsed != null && !Array.isArray(parsed)) json = parsed as Record<string, unknown>
  } catch {}
  return { status: res.status, text, json }
}

/** The node is still up and ready: /health answers 200 (its event loop turns, Redis and the store answer) */
export async function expectHealthy (base: string): Promise<void> {
  const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(10_000) })
  expect(res.status).toBe(200)
  await res.arrayBuffer()
}

/** Runs `cases` `width` at a time, checking the node's health after every batch */
export async function inBatches<T> (base: string, items: readonly T[], width: number, one: (item: T, index: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += width) {
    await Promise.all(items.slice(i, i + width).map(async (item, k) => { await one(item, i + k) }))
    await expectHealthy(base)
  }
}
