import type { IncomingMessage } from 'node:http'
import busboy from 'busboy'

/** how much of a form body is read to find its first field */
const MAX_PEEK_BYTES = 16 * 1024

interface FirstField {
  /** feeds body bytes; true once the first field is known */
  feed(chunk: Buffer): boolean
  /** the body ended (or the peek limit was reached) before the first field was known */
  end(): void
  /** the first field's name and value, when it was a plain field */
  readonly field?: { name: string, value: string }
}

/**
 * The first field of a posted form (url-encoded or multipart) when it is named `name`, read without
 * consuming the body: the bytes read are put back into the request stream, so the route that handles
 * the form reads it whole. The pages put their CSRF field first for this.
 */
export async function peekFirstFormField (req: IncomingMessage, name: string): Promise<string | undefined> {
  const finder = firstFieldFinder(req)
  if (finder == null || req.headers['content-length'] === '0') return undefined
  const taken: Buffer[] = []
  let size = 0
  await new Promise<void>((resolve, reject) => {
    let settled = false
    // the bytes go back at once, in the same tick: a read() that emptied an ended stream has already
    // scheduled its 'end', which is not emitted while the stream holds data again
    const done = (err?: Error): void => {
      if (settled) return
      settled = true
      req.off('readable', onReadable)
      req.off('end', onEnd)
      req.off('close', onEnd)
      req.off('error', done)
      if (taken.length > 0 && !req.readableEnded) req.unshift(Buffer.concat(taken))
      if (err != null) reject(err)
      else resolve()
    }
    const onEnd = (): void => { done() }
    const onReadable = (): void => {
      for (;;) {
        const chunk = req.read() as Buffer | null
        if (chunk == null) {
          // more to come, unless the body is complete
          if (req.complete || req.readableEnded) done()
          return
        }
        taken.push(chunk)
        size += chunk.length
        if (finder.feed(chunk) || size >= MAX_PEEK_BYTES || (req.complete && req.readableLength === 0)) {
          done()
          return
        }
      }
    }
    req.on('readable', onReadable)
    req.on('end', onEnd)
    req.on('close', onEnd)
    req.on('error', done)
  })
  if (finder.field == null) finder.end()
  return finder.field?.name === name ? finder.field.value : undefined
}

function isUrlEncoded (req: IncomingMessage): boolean {
  return /^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')
}

function firstFieldFinder (req: IncomingMessage): FirstField | undefined {
  if (isUrlEncoded(req)) return new UrlEncodedFinder()
  if (/^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '')) return multipartFinder(req)
  return undefined
}

class UrlEncodedFinder implements FirstField {
  field?: { name: string, value: string }
  private text = ''

  feed (chunk: Buffer): boolean {
    this.text += chunk.toString('latin1')
    if (!this.text.includes('&')) return false
    this.end()
    return true
  }

  end (): void {
    const first = new URLSearchParams(this.text.split('&', 1)[0]).entries().next()
    if (first.done !== true) this.field = { name: first.value[0], value: first.value[1] }
  }
}

function multipartFinder (req: IncomingMessage): FirstField | undefined {
  let parser: busboy.Busboy
  try {
    parser = busboy({ headers: req.headers, limits: { fieldSize: MAX_PEEK_BYTES } })
  } catch {
    return undefined
  }
  const finder: { field?: { name: string, value: string }, found: boolean } = { found: false }
  parser.on('field', (name, value) => {
    if (!finder.found) finder.field = { name, value }
    finder.found = true
  })
  parser.on('file', (_name, stream) => {
    finder.found = true
    stream.resume()
  })
  // a malformed body: no first field; the route reading the form reports the problem
  parser.on('error', () => { finder.found = true })
  return {
    feed (chunk) {
      if (!finder.found) parser.write(chunk)
      return finder.found
    },
    end () {},
    get field () { return finder.field }
  }
}
