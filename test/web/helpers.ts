/** A tiny browser-like HTTP client for page tests: keeps cookies, reads the CSRF field of a page */
export class PageClient {
  readonly cookies = new Map<string, string>()
  constructor (readonly base: string, readonly headers: Record<string, string> = {}) {}

  private cookieHeader (): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  private remember (res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const eq = pair?.indexOf('=') ?? -1
      if (pair == null || eq < 0) continue
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim())
    }
  }

  async get (path: string, accept = 'text/html,application/xhtml+xml,*/*;q=0.8'): Promise<{ res: Response, text: string }> {
    const res = await fetch(this.base + path, { headers: { ...this.headers, accept, cookie: this.cookieHeader() }, redirect: 'manual' })
    this.remember(res)
    return { res, text: await res.text() }
  }

  /** logs in like a browser: `/auth?token=` sets the session cookie */
  async login (token: string): Promise<void> {
    const { res } = await this.get(`/auth?token=${token}`)
    if (res.status !== 302 || !this.cookies.has('artdag_session')) throw new Error(`login failed: ${res.status}`)
  }

  /** the hidden CSRF field of a page (empty without a browser session) */
  async csrf (path: string): Promise<string> {
    const { text } = await this.get(path)
    const match = /name="_csrf" value="([^"]*)"/.exec(text)
    if (match?.[1] == null) throw new Error(`no CSRF field on ${path}`)
    return match[1]
  }

  async post (path: string, body: FormData | URLSearchParams, extra: Record<string, string> = {}): Promise<{ res: Response, text: string }> {
    const res = await fetch(this.base + path, {
      method: 'POST',
      body,
      headers: { ...this.headers, accept: 'text/html', cookie: this.cookieHeader(), origin: this.base, ...extra },
      redirect: 'manual'
    })
    this.remember(res)
    return { res, text: await res.text() }
  }
}

/** The text of the notice box of a page (the error or success message) */
export function noticeOf (page: string): string | undefined {
  const match = /<div class="notice [a-z]+" role="[a-z]+"><p>([^<]*)<\/p>/.exec(page)
  return match?.[1]
}

/** The problems listed under a notice */
export function problemsOf (page: string): string[] {
  const box = /<div class="notice [a-z]+" role="[a-z]+">[\s\S]*?<\/div>/.exec(page)?.[0] ?? ''
  return [...box.matchAll(/<li>([^<]*)<\/li>/g)].map((m) => m[1] ?? '')
}
