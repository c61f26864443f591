// Art DAG L1 web UI: live run progress over server-sent events, confirmations, busy buttons.
// Plain browser JavaScript, no build step, no dependencies.
(function () {
  'use strict'
  var FINAL = { completed: true, failed: true, cancelled: true }

  function setBadge (el, status) {
    if (!el) return
    var badge = el.querySelector('.badge') || el
    badge.className = 'badge status-' + status
    badge.setAttribute('data-status', status)
    badge.textContent = status
  }

  function setNodeStatus (svgNode, status) {
    var cls = svgNode.getAttribute('class') || ''
    svgNode.setAttribute('class', cls.replace(/\bstatus-[a-z]+\b/g, '').trim() + ' status-' + status)
  }

  function stepElements (stepId) {
    var all = document.querySelectorAll('[data-step]')
    var out = []
    for (var i = 0; i < all.length; i++) if (all[i].getAttribute('data-step') === stepId) out.push(all[i])
    return out
  }

  function updateOverall (root) {
    var rows = root.querySelectorAll('tr[data-step]')
    var done = 0
    for (var i = 0; i < rows.length; i++) {
      var s = rows[i].querySelector('.badge')
      var st = s && s.getAttribute('data-status')
      if (st === 'completed' || st === 'cached') done++
    }
    var bar = document.getElementById('run-progress')
    var text = document.getElementById('run-progress-text')
    if (bar) bar.value = done
    if (text) text.textContent = done + '/' + rows.length + ' steps'
  }

  // the same geometry as the server's thumbnails in src/web/dag/svg.ts
  var SVG_NS = 'http://www.w3.org/2000/svg'
  var NODE = { w: 200, h: 58, thumbW: 60, thumbH: 44 }

  function clipText (el, max) {
    if (el && el.textContent.length > max) el.textContent = el.textContent.slice(0, max - 1) + '…'
  }

  // a completed step's result becomes a thumbnail in its DAG box, as the server draws it on a reload;
  // the media type comes from the cache's Content-Type
  function addThumbnail (node, cid) {
    if (node.getAttribute('data-thumb') || node.querySelector('a')) return
    node.setAttribute('data-thumb', 'pending')
    fetch('/cache/' + encodeURIComponent(cid), { method: 'HEAD', credentials: 'same-origin' }).then(function (res) {
      var type = (res.ok && res.headers.get('content-type')) || ''
      var kind = /^image\//.test(type) ? 'image' : /^video\//.test(type) ? 'video' : ''
      if (!kind) return
      var x = NODE.w - NODE.thumbW - 7
      var y = (NODE.h - NODE.thumbH) / 2
      var thumb
      if (kind === 'image') {
        thumb = document.createElementNS(SVG_NS, 'image')
        thumb.setAttribute('href', '/cache/' + cid)
        thumb.setAttribute('preserveAspectRatio', 'xMidYMid meet')
      } else {
        thumb = document.createElementNS(SVG_NS, 'foreignObject')
        var video = document.createElement('video')
        video.className = 'thumb'
        video.muted = true
        video.setAttribute('playsinline', '')
        video.preload = 'metadata'
        video.src = '/cache/' + cid + '#t=0.1'
        thumb.appendChild(video)
      }
      thumb.setAttribute('class', 'thumb')
      thumb.setAttribute('x', x)
      thumb.setAttribute('y', y)
      thumb.setAttribute('width', NODE.thumbW)
      thumb.setAttribute('height', NODE.thumbH)
      clipText(node.querySelector('.node-id'), 16)
      clipText(node.querySelector('.node-detail'), 18)
      var link = document.createElementNS(SVG_NS, 'a')
      link.setAttribute('href', '/cache/' + cid)
      while (node.firstChild) link.appendChild(node.firstChild)
      link.appendChild(thumb)
      node.appendChild(link)
      node.setAttribute('data-thumb', kind)
    }, function () { node.removeAttribute('data-thumb') })
  }

  function onStep (root, e) {
    stepElements(e.stepId).forEach(function (el) {
      if (el.tagName.toLowerCase() === 'tr') {
        setBadge(el.querySelector('.step-status'), e.status)
        var p = el.querySelector('progress')
        if (p && (e.status === 'completed' || e.status === 'cached')) p.value = 1
        if (e.cid) {
          var cell = el.querySelector('.step-cid')
          if (cell && !cell.querySelector('a')) {
            var a = document.createElement('a')
            a.className = 'mono'
            a.href = '/cache/' + e.cid
            a.title = e.cid
            a.textContent = e.cid.slice(0, 18) + '…'
            cell.appendChild(a)
          }
        }
        if (e.error && !el.querySelector('.error-text')) {
          var err = document.createElement('span')
          err.className = 'error-text'
          err.textContent = e.error
          el.querySelector('.step-cid').appendChild(err)
        }
      } else {
        setNodeStatus(el, e.status)
        if (e.cid && (e.status === 'completed' || e.status === 'cached') && window.fetch) addThumbnail(el, e.cid)
      }
    })
    updateOverall(root)
  }

  function followRun (root) {
    if (root.getAttribute('data-final') === 'true' || !window.EventSource) return
    var id = root.getAttribute('data-run-id')
    var source = new EventSource('/runs/' + encodeURIComponent(id) + '/events')
    var finished = false
    function finish () {
      if (finished) return
      finished = true
      source.close()
      // the page rendered on the server shows the output preview and provenance
      setTimeout(function () { window.location.reload() }, 400)
    }
    source.addEventListener('render:step:status', function (m) { onStep(root, JSON.parse(m.data)) })
    source.addEventListener('render:step:progress', function (m) {
      var e = JSON.parse(m.data)
      stepElements(e.stepId).forEach(function (el) {
        var p = el.querySelector && el.querySelector('progress')
        if (p) p.value = Math.max(0, Math.min(1, e.fraction))
      })
    })
    source.addEventListener('render:run:status', function (m) {
      var e = JSON.parse(m.data)
      setBadge(document.getElementById('run-status'), e.status)
      if (FINAL[e.status]) finish()
    })
    source.addEventListener('run', function (m) {
      var run = JSON.parse(m.data)
      setBadge(document.getElementById('run-status'), run.status)
      ;(run.steps || []).forEach(function (s) { onStep(root, { stepId: s.id, status: s.status, cid: s.cid, error: s.error }) })
      if (FINAL[run.status]) finish()
    })
    source.onerror = function () {
      // the stream ends once the run is final; EventSource would reconnect, so stop when done
      if (finished) source.close()
    }
  }

  // every write with the session cookie carries the session's CSRF token (the page has it in a meta tag)
  function csrfToken () {
    var meta = document.querySelector('meta[name="csrf-token"]')
    return meta ? meta.getAttribute('content') : ''
  }

  // a form with data-api-method and data-api-url is sent to the API by fetch; when the API refuses,
  // the form is posted as usual and the page it answers with explains why
  function sendToApi (form) {
    fetch(form.getAttribute('data-api-url'), {
      method: form.getAttribute('data-api-method'),
      headers: { 'X-CSRF-Token': csrfToken(), Accept: 'application/json' },
      credentials: 'same-origin'
    }).then(function (res) {
      if (!res.ok) return form.submit()
      var item = form.closest('[data-api-item]')
      if (item) item.remove()
    }, function () { form.submit() })
  }

  document.addEventListener('submit', function (ev) {
    var form = ev.target
    var question = form.getAttribute('data-confirm')
    if (question && !window.confirm(question)) {
      ev.preventDefault()
      return
    }
    if (form.getAttribute('data-api-url') && window.fetch) {
      ev.preventDefault()
      sendToApi(form)
    }
    var buttons = form.querySelectorAll('button[type="submit"]')
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].disabled = true
      buttons[i].setAttribute('aria-busy', 'true')
    }
  })

  // a slider or colour picker with data-pair mirrors the field it names, both ways
  document.addEventListener('input', function (ev) {
    var el = ev.target
    var pair = el.getAttribute && el.getAttribute('data-pair')
    if (pair) {
      var field = document.getElementById(pair)
      if (field) field.value = el.value
      return
    }
    if (el.id) {
      var mates = document.querySelectorAll('[data-pair="' + el.id + '"]')
      for (var i = 0; i < mates.length; i++) {
        if (mates[i].type === 'color' && !/^#[0-9a-fA-F]{6}$/.test(el.value)) continue
        mates[i].value = el.value
      }
    }
  })

  // the type filter of an input picker hides the items of other types
  document.addEventListener('change', function (ev) {
    var el = ev.target
    var name = el.getAttribute && el.getAttribute('data-filter')
    if (!name) return
    var picks = document.querySelectorAll('[data-picker="' + name + '"] .pick')
    for (var i = 0; i < picks.length; i++) picks[i].hidden = el.value !== '' && picks[i].getAttribute('data-kind') !== el.value
  })

  // video thumbnails play while the pointer is on them
  document.addEventListener('mouseover', function (ev) {
    var v = ev.target
    if (v.hasAttribute && v.hasAttribute('data-hover-play') && v.paused) v.play().catch(function () {})
  })
  document.addEventListener('mouseout', function (ev) {
    var v = ev.target
    if (v.hasAttribute && v.hasAttribute('data-hover-play')) v.pause()
  })

  document.addEventListener('DOMContentLoaded', function () {
    var root = document.getElementById('run')
    if (root) followRun(root)
  })
})()
