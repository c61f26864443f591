import type { EffectEntry, ParamEntry } from '../../effects/index.js'
import { html, type SafeHtml } from '../html.js'

/** the form field of a parameter */
export function paramField (name: string): string {
  return `param.${name}`
}

/** the catalogue's step, else one that gives a range about a hundred stops, rounded to 1, 2 or 5 times a power of ten */
function stepOf (spec: ParamEntry): string {
  if (spec.step != null) return String(spec.step)
  if (spec.type === 'integer') return '1'
  if (spec.min == null || spec.max == null) return 'any'
  const raw = (spec.max - spec.min) / 100
  const power = 10 ** Math.floor(Math.log10(raw))
  const nice = [1, 2, 5, 10].find((m) => m * power >= raw) ?? 10
  return String(Number((nice * power).toPrecision(1)))
}

const HEX = /^#[0-9a-f]{6}$/i

function control (name: string, spec: ParamEntry, value: unknown): SafeHtml {
  const field = paramField(name)
  const id = `param-${name}`
  switch (spec.type) {
    case 'number':
    case 'integer': {
      const bounds = html`${spec.min != null ? html` min="${spec.min}"` : html``}${spec.max != null ? html` max="${spec.max}"` : html``}`
      const slider = spec.min != null && spec.max != null
        ? html`<input type="range" data-pair="${id}"${bounds} step="${stepOf(spec)}" value="${String(value)}" aria-label="${name}">`
        : html``
      // the slider moves in steps; the number takes any value in range (an integer for integers)
      return html`<span class="param-number">${slider}<input type="number" id="${id}" name="${field}"${bounds} step="${spec.type === 'integer' ? '1' : 'any'}" value="${String(value)}" required>${spec.unit != null ? html`<span class="unit">${spec.unit}</span>` : html``}</span>`
    }
    case 'enum':
      return html`<select id="${id}" name="${field}">${(spec.options ?? []).map((v) => html`<option value="${v}"${v === value ? html` selected` : html``}>${v}</option>`)}</select>`
    case 'boolean':
      return html`<input type="checkbox" id="${id}" name="${field}" value="true"${value === true ? html` checked` : html``}>`
    case 'color':
      // the text is what is sent (names and 0xrrggbb too); the picker writes #rrggbb into it
      return html`<span class="param-color"><input type="color" data-pair="${id}" value="${typeof value === 'string' && HEX.test(value) ? value : '#000000'}" aria-label="${name}: pick"><input type="text" id="${id}" name="${field}" value="${String(value)}" required pattern="#[0-9a-fA-F]{6}|0x[0-9a-fA-F]{6}|[a-zA-Z]+" spellcheck="false"></span>`
    case 'string':
      return html`<input type="text" id="${id}" name="${field}" value="${String(value)}" pattern="[A-Za-z0-9 ._\\-]*" spellcheck="false">`
  }
}

function range (spec: ParamEntry): string {
  const unit = spec.unit != null ? ` ${spec.unit}` : ''
  if (spec.type === 'number' || spec.type === 'integer') {
    if (spec.min != null && spec.max != null) return `${spec.type}, ${spec.min} to ${spec.max}${unit}`
    return `${spec.type}${unit}`
  }
  if (spec.type === 'enum') return `one of ${(spec.options ?? []).join(', ')}`
  return spec.type
}

/**
 * One control per parameter of an effect, from its catalogue entry (the spec): a slider and a number for ranges, a select for
 * enums, a checkbox, a colour picker; each says its range and default. `values` prefills (edit and run again).
 */
export function paramControls (effect: EffectEntry, values: Record<string, unknown> = {}): SafeHtml {
  if (effect.params.length === 0) return html`<p class="muted small">${effect.name} has no parameters.</p>`
  return html`<fieldset class="params"><legend>Parameters</legend>
${effect.params.map((spec) => {
    const name = spec.name
    const value = Object.hasOwn(values, name) ? values[name] : spec.default
    return html`<div class="param" data-param="${name}" data-type="${spec.type}" data-default="${String(spec.default)}">
<label for="param-${name}">${name}</label>
${control(name, spec, value)}
<p class="small muted">${spec.description} · ${range(spec)} · default ${String(spec.default)}${spec.unit != null && spec.type !== 'number' && spec.type !== 'integer' ? ` ${spec.unit}` : ''}</p>
</div>`
  })}</fieldset>`
}
