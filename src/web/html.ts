/**
 * Tagged-template HTML where every interpolation is escaped unless it is already SafeHtml (made by
 * `html` itself or by `raw()`), so user data can only ever render as text.
 */
export class SafeHtml {
  constructor (readonly value: string) {}
  toString (): string { return this.value }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' }

export function escapeHtml (text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c)
}

/** Marks trusted markup as safe; never pass user data here */
export function raw (markup: string): SafeHtml {
  return new SafeHtml(markup)
}

type Value = SafeHtml | string | number | boolean | null | undefined | Value[]

function render (value: Value): string {
  if (value == null || value === false) return ''
  if (value instanceof SafeHtml) return value.value
  if (Array.isArray(value)) return value.map(render).join('')
  return escapeHtml(String(value))
}

export function html (strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  let out = strings[0] ?? ''
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '')
  return new SafeHtml(out)
}

/** Escaped JSON for a `<script type="application/json">` block (no `</script>` breakout) */
export function jsonScript (id: string, data: unknown): SafeHtml {
  const text = JSON.stringify(data).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
  return raw(`<script type="application/json" id="${escapeHtml(id)}">${text}</script>`)
}
