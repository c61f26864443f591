import type { EffectDefinition, ParamSpec } from '../../effects/types.js'
import { html, type SafeHtml } from '../html.js'

/** the form field of a parameter */
export function paramField (name: string): string {
  return `param.${name}`
}

/** a step that gives a range about a hundred stops, rounded to 1, 2 or 5 times a power of ten */
function stepOf (spec: ParamSpec): string {
  if (spec.type === 'integer') return '1'
  if (spec.min == null || spec.max == null) return 'any'
  const raw = (spec.max - spec.min) / 100
  const power = 10 ** Math.floor(Math.log10(raw))
  const nice = [1, 2, 5, 10].find((m) => m * power >= raw) ?? 10
  return String(Number((nice * power).toPrecision(1)))
}

const HEX = /^#[0-9a-f]{6}$/i

function control (name: string, spec: ParamSpec, value: unknown): SafeHtml {
  const field = paramField(name)
  const id = `param-${name}`
  switch (spec.type) {
    case 'number':
    case 'integer': {
      const step = stepOf(spec)
      const bounds = html`${spec.min != null ? html` min="${spec.min}"` : html``}${spec.max != null ? html` max="${spec.max}"` : html``} step="${step}"`
      const slider = spec.min != null && spec.max != null
        ? html`<input type="range" data-pair="${id}"${bounds} value="${String(value)}" aria-label="${name}">`
        : html``
      return html`<span class="param-number">${slider}<input type="number" id="${id}" name="${field}"${bounds} value="${String(value)}" required></span>`
    }
    case 'enum':
      return html`<select id="${id}" name="${field}">${(spec.values ?? []).map((v) => html`<option value="${v}"${v === value ? html` selected` : html``}>${v}</option>`)}</select>`
    case 'boolean':
      return html`<input type="checkbox" id="${id}" name="${field}" value="true"${value === true ? html` checked` : html``}>`
    case 'color':
      // the text is what is sent (names and 0xrrggbb too); the picker writes #rrggbb into it
      return html`<span class="param-color"><input type="color" data-pair="${id}" value="${typeof value === 'string' && HEX.test(value) ? value : '#000000'}" aria-label="${name}: pick"><input type="text" id="${id}" name="${field}" value="${String(value)}" required pattern="#[0-9a-fA-F]{6}|0x[0-9a-fA-F]{6}|[a-zA-Z]+" spellcheck="false"></span>`
    case 'string':
      return html`<input type="text" id="${id}" name="${field}" value="${String(value)}" pattern="[A-Za-z0-9 ._\\-]*" spellcheck="false">`
  }
}

function range (spec: ParamSpec): string {
  if (spec.type === 'number' || spec.type === 'integer') {
    if (spec.min != null && spec.max != null) return `${spec.type}, ${spec.min} to ${spec.max}`
    return spec.type
  }
  if (spec.type === 'enum') return `one of ${(spec.values ?? []).join(', ')}`
  return spec.type
}

/**
 * One control per parameter of an effect, from its spec: a slider and a number for ranges, a select for
 * enums, a checkbox, a colour picker; each says its range and default. `values` prefills (edit and run again).
 */
export function paramControls (effect: EffectDefinition, values: Record<string, unknown> = {}): SafeHtml {
  const names = Object.keys(effect.params)
  if (names.length === 0) return html`<p class="muted small">${effect.name} has no parameters.</p>`
  return html`<fieldset class="params"><legend>Parameters</legend>
${names.map((name) => {
    const spec = effect.params[name] as ParamSpec
    const value = Object.hasOwn(values, name) ? values[name] : spec.default
    return html`<div class="param" data-param="${name}" data-type="${spec.type}">
<label for="param-${name}">${name}</label>
${control(name, spec, value)}
<p class="small muted">${spec.description != null ? html`${spec.description} · ` : html``}${range(spec)} · default ${String(spec.default)}</p>
</div>`
  })}</fieldset>`
}
