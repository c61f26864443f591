import { describe, expect, it } from 'vitest'
import { dagSvg } from '../../src/web/dag/svg.js'
import { escapeHtml, html, jsonScript, raw } from '../../src/web/html.js'

describe('html', () => {
  it('should escape every interpolation', () => {
    const name = `<script>alert("x")</script>&'\``
    expect(html`<p title="${name}">${name}</p>`.value)
      .toBe('<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;&#96;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;&#96;</p>')
  })

  it('should keep nested html and raw() markup, flatten arrays and drop null, undefined and false', () => {
    const items = ['<a>', 'b'].map((x) => html`<li>${x}</li>`)
    expect(html`<ul>${items}</ul>${raw('<hr>')}${null}${undefined}${false}${0}`.value).toBe('<ul><li>&lt;a&gt;</li><li>b</li></ul><hr>0')
  })

  it('should write JSON that cannot close its script element', () => {
    const out = jsonScript('data', { name: '</script><script>alert(1)</script>&' }).value
    expect(out).not.toContain('</script><script>')
    expect(JSON.parse(out.replace(/^<script[^>]*>/, '').replace(/<\/script>$/, ''))).toEqual({ name: '</script><script>alert(1)</script>&' })
    expect(escapeHtml('a&b')).toBe('a&amp;b')
  })
})

describe('dagSvg', () => {
  const nodes = [
    { id: 'a', type: 'SOURCE', inputs: [] },
    { id: 'b', type: 'SOURCE', inputs: [] },
    { id: 'fx', type: 'EFFECT', detail: 'invert', inputs: ['a'] },
    { id: 'seq', type: 'SEQUENCE', inputs: ['fx', 'b'], status: 'running' }
  ]

  it('should draw every node and edge, mark the output and the step status', async () => {
    const svg = (await dagSvg(nodes, 'seq')).value
    expect(svg.match(/<g class="node/g)).toHaveLength(4)
    expect(svg.match(/class="edge"/g)).toHaveLength(3)
    expect(svg).toContain('<g class="node type-sequence status-running output" data-step="seq"')
    expect(svg).toContain('data-from="fx" data-to="seq"')
    expect(svg).toContain('EFFECT · invert')
  })

  it('should link a step with a result and draw its thumbnail', async () => {
    const svg = (await dagSvg([{ id: 'a', type: 'SOURCE', inputs: [], result: { cid: 'bafkreiabc', kind: 'image' } }])).value
    expect(svg).toContain('<a href="/cache/bafkreiabc">')
    expect(svg).toContain('<image class="thumb" href="/cache/bafkreiabc"')
  })

  it('should escape hostile node ids and survive a cycle', async () => {
    const svg = (await dagSvg([{ id: '<x>', type: 'EFFECT', inputs: ['<x>'] }, { id: 'y', type: 'EFFECT', inputs: ['z'] }, { id: 'z', type: 'EFFECT', inputs: ['y'] }])).value
    expect(svg).toContain('data-step="&lt;x&gt;"')
    expect(svg).not.toContain('<x>')
    expect((await dagSvg([])).value).toBe('<p class="muted">This DAG has no nodes.</p>')
  })
})
