import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { effectRecipe, parseRecipe, validateRecipe } from '../../src/dag/index.js'
import { createFixtureCatalog } from '../fixtures/effect-catalog.js'
import type { Problem } from '../../src/dag/index.js'

const effects = createFixtureCatalog()
const CID = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'

type NodeSpec = Record<string, unknown>
const src = (id: string, name?: string): NodeSpec => ({ id, type: 'SOURCE', config: { input: true, ...(name === undefined ? {} : { name }) } })
const node = (id: string, type: string, inputs: unknown, config: Record<string, unknown> = {}): NodeSpec => ({ id, type, config, inputs })

/** `output` defaults to the last node; null leaves it out */
function problems (nodes: NodeSpec[], output: string | null = nodes.at(-1)?.id as string, extra: Record<string, unknown> = {}): Problem[] {
  const doc = { name: 't', ...extra, dag: { nodes, ...(output === null ? {} : { output }) } }
  const parsed = parseRecipe(stringify(doc), { effects })
  return parsed.ok ? [] : unplaced(parsed.problems)
}

/** the problems without their line and column (tested on their own below) */
function unplaced (found: Problem[]): Problem[] {
  return found.map((problem) => {
    const rest = { ...problem }
    delete rest.line
    delete rest.column
    return rest
  })
}

describe('parseRecipe validation', () => {
  it('should report YAML syntax errors with line and column', () => {
    const parsed = parseRecipe('name: t\ndag:\n  nodes: [\n  output: x\n')
    expect(parsed.ok).toBe(false)
    expect(!parsed.ok && parsed.problems[0]).toEqual({
      path: 'line 4, column 3', line: 4, column: 3, code: 'yaml-syntax', message: 'Flow sequence in block collection must be sufficiently indented and end with a ]'
    })
  })

  it('should report a duplicate YAML key', () => {
    const parsed = parseRecipe('name: t\nname: u\n')
    expect(!parsed.ok && parsed.problems).toEqual([{ path: 'line 2, column 1', line: 2, column: 1, code: 'yaml-syntax', message: 'the key "name" is written twice in one mapping' }])
  })

  it('should report misplaced and mistyped fields as bad-field', () => {
    const parsed = parseRecipe(stringify({ name: 3, ouptut: 'x', version: [1], dag: { nodes: [{ id: 'a', type: 'SOURCE', confg: {} }, 'b', { id: 'c', type: 'EFFECT', inputs: [4] }], output: 'a' } }))
    expect(!parsed.ok && unplaced(parsed.problems)).toEqual([
      { path: 'ouptut', code: 'bad-field', message: 'unknown field "ouptut" (known: name, version, description, owner, registry, dag)' },
      { path: 'name', code: 'bad-field', message: 'must be a non-empty string, got 3' },
      { path: 'version', code: 'bad-field', message: 'must be a string, got [1]' },
      { path: 'dag.nodes[0].confg', code: 'bad-field', message: 'unknown field "confg" (known: id, type, config, inputs)' },
      { path: 'dag.nodes[1]', code: 'bad-field', message: 'a node must be a mapping {id, type, config, inputs}, got "b"' },
      { path: 'dag.nodes[2].inputs[0]', code: 'bad-field', message: 'must be a node id (a string), got 4' },
      { path: 'dag.nodes[0].config', code: 'bad-config', message: 'a SOURCE needs either input: true (variable) or asset / cid (fixed)' }
    ])
  })

  it('should report a document that is not a mapping and a missing dag', () => {
    expect(parseRecipe('- a\n')).toEqual({ ok: false, problems: [{ path: '', code: 'bad-field', message: 'a recipe must be a YAML mapping, got ["a"]' }] })
    expect(parseRecipe('name: t\n')).toEqual({ ok: false, problems: [{ path: 'dag', code: 'bad-field', message: 'required: {nodes, output}' }] })
  })

  it('should refuse more than 1,000 nodes, and validate a chain of 1,000 without trouble', () => {
    const chain = (n: number): NodeSpec[] => [src('n0'), ...Array.from({ length: n - 1 }, (_, i) => node(`n${i + 1}`, 'EFFECT', [`n${i}`], { effect: 'identity' }))]
    // JSON is YAML too, and much quicker to write than block YAML for big documents
    const parse = (nodes: NodeSpec[]): ReturnType<typeof parseRecipe> => parseRecipe(JSON.stringify({ name: 't', dag: { nodes, output: nodes.at(-1)?.id } }), { effects })
    expect(parse(chain(1001))).toEqual({ ok: false, problems: [{ path: 'dag.nodes', line: 1, column: 28, code: 'bad-field', message: 'has 1001 nodes; at most 1000 are allowed' }] })
    const parsed = parse(chain(1000))
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems))
    const looped = structuredClone(parsed.recipe)
    looped.nodes[0] = { id: 'n0', type: 'EFFECT', config: { effect: 'identity', params: {} }, inputs: ['n999'] }
    expect(validateRecipe(looped, { effects }).map(p => `${p.code} ${p.path}`)).toEqual(['cycle dag.nodes[1].inputs[0]'])
  })

  it('should report an unknown node type', () => {
    expect(problems([src('a'), node('b', 'WARP', ['a'])])).toEqual([{
      path: 'dag.nodes[1].type',
      code: 'unknown-type',
      message: 'unknown node type "WARP" (known: SOURCE, SEGMENT, RESIZE, TRANSFORM, SEQUENCE, LAYER, MUX, BLEND, AUDIO_MIX, EFFECT)'
    }])
  })

  it('should report a duplicate node id', () => {
    expect(problems([src('a', 'one'), src('a', 'two'), node('b', 'EFFECT', ['a'], { effect: 'identity' })])).toEqual([
      { path: 'dag.nodes[1].id', code: 'duplicate-id', message: 'duplicate node id "a" (first used at dag.nodes[0])' }
    ])
  })

  it('should report a dangling input with its path, also inside named inputs', () => {
    expect(problems([src('a'), node('b', 'BLEND', { base: 'a', top: ['x'] })])).toEqual([
      { path: 'dag.nodes[1].inputs.top[0]', code: 'dangling-input', message: 'unknown node "x"' }
    ])
    expect(problems([src('a'), node('b', 'EFFECT', ['x'], { effect: 'identity' })])).toEqual([
      { path: 'dag.nodes[1].inputs[0]', code: 'dangling-input', message: 'unknown node "x"' }
    ])
  })

  it('should report a missing and an unknown output', () => {
    expect(problems([src('a')], null)).toEqual([
      { path: 'dag.output', code: 'missing-output', message: 'missing: name the node whose result is the recipe\'s output' }
    ])
    expect(problems([src('a')], 'nope')).toEqual([{ path: 'dag.output', code: 'unknown-output', message: 'unknown node "nope"' }])
  })

  it('should report a cycle at the input that closes it', () => {
    expect(problems([src('s'), node('a', 'BLEND', ['s', 'c']), node('b', 'EFFECT', ['a'], { effect: 'identity' }), node('c', 'EFFECT', ['b'], { effect: 'identity' })], 'c')).toEqual([
      { path: 'dag.nodes[2].inputs[0]', code: 'cycle', message: 'cycle: a -> b -> c -> a' }
    ])
    expect(problems([node('a', 'EFFECT', ['a'], { effect: 'identity' })], 'a')).toEqual([
      { path: 'dag.nodes[0].inputs[0]', code: 'cycle', message: 'cycle: a -> a' }
    ])
  })

  it('should report wrong arity per type', () => {
    expect(problems([src('a'), node('b', 'BLEND', ['a'])])).toEqual([
      { path: 'dag.nodes[1].inputs', code: 'arity', message: 'BLEND takes exactly 2 inputs, got 1' }
    ])
    expect(problems([src('a'), node('m', 'AUDIO_MIX', 'a')])).toEqual([
      { path: 'dag.nodes[1].inputs', code: 'arity', message: 'AUDIO_MIX takes at least 2 inputs, got 1' }
    ])
    expect(problems([src('a'), { ...src('b'), inputs: ['a'] }, node('c', 'SEQUENCE', ['a', 'b'])])).toEqual([
      { path: 'dag.nodes[1].inputs', code: 'arity', message: 'SOURCE takes no inputs, got 1' }
    ])
    expect(problems([src('a'), node('c', 'RESIZE', [], { width: 2, height: 2 })])).toEqual([
      { path: 'dag.nodes[1].inputs', code: 'arity', message: 'RESIZE takes exactly 1 input, got 0' }
    ])
  })

  it('should report bad config values with the field path', () => {
    expect(problems([src('a'), node('r', 'RESIZE', ['a'], { width: 321, height: 10000, mode: 'zoom', colour: 'red' })])).toEqual([
      { path: 'dag.nodes[1].config.width', code: 'bad-config', message: 'must be an even number of pixels (video encoders need even sizes)' },
      { path: 'dag.nodes[1].config.height', code: 'bad-config', message: 'must be <= 7680, got 10000' },
      { path: 'dag.nodes[1].config.mode', code: 'bad-config', message: 'must be one of fit, fill, stretch, pad, got "zoom"' },
      { path: 'dag.nodes[1].config.colour', code: 'bad-config', message: 'unknown field "colour" (known: width, height, mode, background)' }
    ])
    expect(problems([src('a'), node('s', 'SEGMENT', ['a'], { offset: -1, duration: 0 })])).toEqual([
      { path: 'dag.nodes[1].config.offset', code: 'bad-config', message: 'must be >= 0, got -1' },
      { path: 'dag.nodes[1].config.duration', code: 'bad-config', message: 'must be > 0, got 0' }
    ])
    expect(problems([src('a'), node('t', 'TRANSFORM', ['a'], { effects: { saturation: 'high', glow: 1 } })])).toEqual([
      { path: 'dag.nodes[1].config.effects.saturation', code: 'bad-config', message: 'must be a number, got "high"' },
      { path: 'dag.nodes[1].config.effects.glow', code: 'bad-config', message: 'unknown field "glow" (known: saturation, contrast, brightness, gamma, hue, blur, sharpen, speed)' }
    ])
    expect(problems([src('a'), src('b'), node('x', 'BLEND', ['a', 'b'], { opacity: 2 })])).toEqual([
      { path: 'dag.nodes[2].config.opacity', code: 'bad-config', message: 'must be <= 1, got 2' }
    ])
    expect(problems([src('a'), node('r', 'RESIZE', ['a'])])).toEqual([
      { path: 'dag.nodes[1].config.width', code: 'bad-config', message: 'required: a number' },
      { path: 'dag.nodes[1].config.height', code: 'bad-config', message: 'required: a number' }
    ])
  })

  it('should report config rules that depend on the inputs', () => {
    expect(problems([src('a'), src('b'), node('m', 'AUDIO_MIX', ['a', 'b'], { gains: [1] }), node('x', 'MUX', ['a', 'm'], { audio_stream: 2 })])).toEqual([
      { path: 'dag.nodes[2].config.gains', code: 'bad-config', message: 'has 1 entries but the node has 2 inputs' },
      { path: 'dag.nodes[3].config.audio_stream', code: 'bad-config', message: 'input index 2 is out of range (the node has 2 inputs)' }
    ])
    expect(problems([src('a'), node('q', 'SEQUENCE', ['a'], { target_size: 'explicit', width: 320 })])).toEqual([
      { path: 'dag.nodes[1].config.height', code: 'bad-config', message: 'required when target_size is explicit' }
    ])
    expect(problems([src('a'), node('e', 'EFFECT', ['a'], { effect: 'invert', intensity: 1, params: { intensity: 0.5 } })])).toEqual([
      { path: 'dag.nodes[1].config.intensity', code: 'bad-config', message: 'parameter "intensity" is given both flat and under params' }
    ])
    expect(problems([{ id: 'a', type: 'SOURCE', config: { input: true, asset: 'cat' } }, node('e', 'EFFECT', ['a'], { effect: 'identity' })])).toEqual([
      { path: 'dag.nodes[0].config', code: 'bad-config', message: 'a SOURCE is either variable (input: true) or fixed (asset or cid), not both' }
    ])
    expect(problems([{ id: 'a', type: 'SOURCE', config: { cid: 'nope' } }, node('e', 'EFFECT', ['a'], { effect: 'identity' })])).toEqual([
      { path: 'dag.nodes[0].config.cid', code: 'bad-config', message: '"nope" is not a valid CID' }
    ])
  })

  it('should report an unknown asset and a bad registry CID', () => {
    const nodes = [{ id: 'a', type: 'SOURCE', config: { asset: 'cat' } }, node('e', 'EFFECT', ['a'], { effect: 'identity' })]
    expect(problems(nodes, 'e', { registry: { assets: { dog: { hash: 'xyz' } } } })).toEqual([
      { path: 'registry.assets.dog.hash', code: 'bad-field', message: '"xyz" is not a valid CID' },
      { path: 'dag.nodes[0].config.asset', code: 'unknown-asset', message: 'unknown asset "cat" (not in registry.assets)' }
    ])
    expect(problems(nodes, 'e', { registry: { assets: { cat: CID } } })).toEqual([])
  })

  it('should treat names like __proto__ and toString as plain names', () => {
    const text = 'name: t\nregistry:\n  assets:\n    __proto__: bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy\n' +
      'dag:\n  nodes:\n    - {id: a, type: SOURCE, config: {asset: toString}}\n    - {id: b, type: SOURCE, config: {asset: __proto__}}\n' +
      '    - {id: e, type: EFFECT, config: {effect: invert, constructor: 1}, inputs: [b]}\n  output: e\n'
    const parsed = parseRecipe(text, { effects })
    expect(!parsed.ok && unplaced(parsed.problems)).toEqual([
      { path: 'dag.nodes[0].config.asset', code: 'unknown-asset', message: 'unknown asset "toString" (not in registry.assets)' },
      { path: 'dag.nodes[2].config.params.constructor', code: 'unknown-param', message: 'effect "invert" has no parameter "constructor" (known: intensity)' }
    ])
    expect(Object.getPrototypeOf(parseRecipe(text.replace('{asset: toString}', '{input: true}')))).toBe(Object.prototype)
  })

  it('should report two variable inputs with the same name', () => {
    expect(problems([src('a', 'video'), src('b', 'video'), node('x', 'SEQUENCE', ['a', 'b'])])).toEqual([
      { path: 'dag.nodes[1].config.name', code: 'duplicate-name', message: 'variable input name "video" is already used by dag.nodes[0]' }
    ])
  })

  it('should report every problem at once', () => {
    const found = problems([src('a'), node('a', 'WARP', []), node('b', 'BLEND', ['a', 'zz'], { mode: 'glow' })], 'q')
    expect(found.map(p => `${p.code} ${p.path}`)).toEqual([
      'duplicate-id dag.nodes[1].id',
      'unknown-type dag.nodes[1].type',
      'dangling-input dag.nodes[2].inputs[1]',
      'bad-config dag.nodes[2].config.mode',
      'unknown-output dag.output'
    ])
  })
})

describe('validateRecipe', () => {
  it('should report an unknown effect in a node and in the registry', () => {
    expect(problems([src('a'), node('e', 'EFFECT', ['a'], { effect: 'sparkle' })], 'e', { registry: { effects: { glitter: 'x' } } })).toEqual([
      { path: 'registry.effects.glitter', code: 'unknown-effect', message: 'unknown effect "glitter" (known: blur, dog, echo, identity, invert, mirror, tint)' },
      { path: 'dag.nodes[1].config.effect', code: 'unknown-effect', message: 'unknown effect "sparkle" (known: blur, dog, echo, identity, invert, mirror, tint)' }
    ])
  })

  it('should report unknown params, wrong param types and params out of range', () => {
    expect(validateRecipe(effectRecipe('invert', { intensity: 2, amount: 1 }), { effects })).toEqual([
      { path: 'dag.nodes[1].config.params.intensity', code: 'param-range', message: 'parameter "intensity" must be within 0..1, got 2' },
      { path: 'dag.nodes[1].config.params.amount', code: 'unknown-param', message: 'effect "invert" has no parameter "amount" (known: intensity)' }
    ])
    expect(validateRecipe(effectRecipe('identity', { x: 1 }), { effects })).toEqual([
      { path: 'dag.nodes[1].config.params.x', code: 'unknown-param', message: 'effect "identity" has no parameter "x" (it takes none)' }
    ])
    expect(validateRecipe(effectRecipe('blur', { radius: 2.5 }), { effects })).toEqual([
      { path: 'dag.nodes[1].config.params.radius', code: 'param-type', message: 'parameter "radius" must be an integer, got 2.5' }
    ])
    expect(validateRecipe(effectRecipe('dog', { position: 'middle', scale: '1' }), { effects })).toEqual([
      { path: 'dag.nodes[1].config.params.position', code: 'param-type', message: 'parameter "position" must be one of center, top-left, top-right, bottom-left, bottom-right, got "middle"' },
      { path: 'dag.nodes[1].config.params.scale', code: 'param-type', message: 'parameter "scale" must be a number, got "1"' }
    ])
    expect(validateRecipe(effectRecipe('tint', { color: 'rgb(1,2,3)' }), { effects })).toEqual([
      { path: 'dag.nodes[1].config.params.color', code: 'param-type', message: 'parameter "color" must be a colour: a name like black or orange, #rrggbb or 0xrrggbb (#rrggbbaa with alpha), got "rgb(1,2,3)"' }
    ])
    // a word that is no colour name of ffmpeg's is refused here, not by ffmpeg at render time
    expect(validateRecipe(effectRecipe('tint', { color: 'notacolor' }), { effects }).map(p => p.path)).toEqual(['dag.nodes[1].config.params.color'])
    expect(validateRecipe(effectRecipe('tint', { color: 'DarkOrange' }), { effects })).toEqual([])
    expect(validateRecipe(effectRecipe('tint', { label: 'a;b' }), { effects })).toEqual([
      { path: 'dag.nodes[1].config.params.label', code: 'param-type', message: 'parameter "label" must be a plain string (letters, digits, space, . - _), got "a;b"' }
    ])
    expect(validateRecipe(effectRecipe('mirror', { vertical: 'yes' }), { effects })).toEqual([
      { path: 'dag.nodes[1].config.params.vertical', code: 'param-type', message: 'parameter "vertical" must be true or false, got "yes"' }
    ])
    expect(validateRecipe(effectRecipe('tint', { color: '#ff8800', label: 'warm' }), { effects })).toEqual([])
  })

  it('should place every problem of a recipe read from YAML at its line and column', () => {
    const text = [
      'name: placed', // 1
      'dag:', // 2
      '  nodes:', // 3
      '    - id: a', // 4
      '      type: SOURCE', // 5
      '      config: { input: true }', // 6
      '    - id: b', // 7
      '      type: EFFECT', // 8
      '      config:', // 9
      '        effect: invert', // 10
      '        params: { intensity: 3 }', // 11
      '      inputs: [a]', // 12
      '    - id: c', // 13
      '      type: BLEND', // 14
      '      config: { mode: glow }', // 15
      '      inputs: [a, b]', // 16
      '  output: c', // 17
      ''
    ].join('\n')
    const parsed = parseRecipe(text, { effects })
    expect(!parsed.ok && parsed.problems.map(p => `${p.line}:${p.column} ${p.path}`)).toEqual([
      '15:23 dag.nodes[2].config.mode',
      '11:30 dag.nodes[1].config.params.intensity'
    ])
  })

  it('should report a registry hash that names another definition and ignore placeholders', () => {
    const dog = effects.get('dog')?.hash ?? ''
    const other = 'f'.repeat(64)
    const base = [src('a'), node('e', 'EFFECT', ['a'], { effect: 'dog' })]
    expect(problems(base, 'e', { registry: { effects: { dog: { hash: other } } } })).toEqual([{
      path: 'registry.effects.dog.hash',
      code: 'effect-hash-mismatch',
      message: `hash ${other} does not match effect "dog" 1.0.0 (${dog})`
    }])
    expect(problems(base, 'e', { registry: { effects: { dog: { hash: dog } } } })).toEqual([])
    expect(problems(base, 'e', { registry: { effects: { dog: 'abc123...' } } })).toEqual([])
  })

  it('should run the structural checks on a recipe built in code', () => {
    const recipe = effectRecipe('invert')
    expect(validateRecipe({ ...recipe, output: 'gone' }, { effects })).toEqual([
      { path: 'dag.output', code: 'unknown-output', message: 'unknown node "gone"' }
    ])
  })
})
