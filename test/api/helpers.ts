import { expect } from 'vitest'

export interface Json { [key: string]: unknown }

export interface Answer<T = Json> {
  status: number
  headers: Headers
  body: T
}

/** fetch + JSON, for the API's JSON answers */
export async function call<T = Json> (url: string, init: RequestInit & { json?: unknown } = {}): Promise<Answer<T>> {
  const { json, ...rest } = init
  const headers = new Headers(rest.headers)
  if (json !== undefined) headers.set('content-type', 'application/json')
  const res = await fetch(url, { ...rest, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) })
  const text = await res.text()
  let body: unknown = text
  try { body = text === '' ? undefined : JSON.parse(text) } catch {}
  return { status: res.status, headers: res.headers, body: body as T }
}

/** asserts an error answer: status, error id and (when given) the exact message */
export function expectError (answer: Answer<unknown>, status: number, error: string, message?: string | RegExp): void {
  const body = answer.body as { error?: string, message?: string }
  expect({ status: answer.status, error: body?.error }).toEqual({ status, error })
  if (typeof message === 'string') expect(body.message).toBe(message)
  else if (message != null) expect(body.message).toMatch(message)
}

/** a multipart/form-data body with one file */
export function multipartFile (bytes: Uint8Array, filename = 'file.bin', type = 'application/octet-stream'): FormData {
  const form = new FormData()
  form.append('file', new Blob([bytes], { type }), filename)
  return form
}

export async function pollRun (base: string, id: string, timeoutMs = 60_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const { body } = await call(`${base}/runs/${id}`)
    if (['completed', 'failed', 'cancelled'].includes(String(body.status))) return body
    if (Date.now() > deadline) throw new Error(`run ${id} still ${String(body.status)}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
