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

  // 'image', 'video' or '' for stored content, from the cache's Content-Type
  function mediaKind (cid) {
    return fetch('/cache/' + encodeURIComponent(cid), { method: 'HEAD', credentials: 'same-origin' }).then(function (res) {
      var type = (res.ok && res.headers.get('content-type')) || ''
      return /^image\//.test(type) ? 'image' : /^video\//.test(type) ? 'video' : ''
    })
  }

  // a completed step's result becomes a thumbnail in its DAG box, as the server draws it on a reload;
  // the media type comes from the cache's Content-Type
  function addThumbnail (node, cid) {
    if (node.getAttribute('data-thumb') || node.querySelector('a')) return
    node.setAttribute('data-thumb', 'pending')
    mediaKind(cid).then(function (kind) {
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

  // Follows a run over its event stream until it is final: done(run) with the final record
  function whenFinal (id, done) {
    var source = new EventSource('/runs/' + encodeURIComponent(id) + '/events')
    var over = false
    source.addEventListener('run', function (m) {
      var run = JSON.parse(m.data)
      if (over || !FINAL[run.status]) return
      over = true
      source.close()
      done(run)
    })
    source.onerror = function () {
      if (over) return
      over = true
      source.close()
      done({ id: id, status: 'failed', error: 'the event stream of the run broke off' })
    }
    return function stop () {
      over = true
      source.close()
    }
  }

  // Starts a run through the API (an existing identical run is answered as it is, nothing renders twice):
  // then(run) or fail(message)
  function startRun (request, then, fail) {
    fetch('/runs', {
      method: 'POST',
      headers: { 'X-CSRF-Token': csrfToken(), Accept: 'application/json', 'Content-Type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify(request)
    }).then(function (res) {
      return res.json().then(function (body) {
        if (res.ok) then(body)
        else fail(body.message || ('the node answered ' + res.status))
      })
    }, function () { fail('the node could not be reached') })
  }

  // a run's output as a preview picture (a clip loops muted); a run without one shows why
  function showResult (box, run) {
    if (!run.outputCid) {
      box.className = 'placeholder failed'
      box.textContent = run.error || ('the run ' + run.status)
      return Promise.resolve()
    }
    return mediaKind(run.outputCid).then(function (kind) {
      var media
      if (kind === 'video') {
        media = document.createElement('video')
        media.muted = true
        media.loop = true
        media.autoplay = true
        media.setAttribute('playsinline', '')
      } else {
        media = document.createElement('img')
        media.alt = 'preview'
      }
      media.className = 'preview thumb'
      media.src = '/cache/' + run.outputCid
      var link = document.createElement('a')
      link.href = '/run/' + run.id
      link.appendChild(media)
      box.replaceWith(link)
    })
  }

  // The previews of /effects: a placeholder with a run id follows that run; one with a run request
  // (offered only to visitors who may run things) starts its run once it is on screen. At most
  // PREVIEW_SLOTS at once, so a page of 62 previews neither renders them all at once nor holds every
  // connection of the browser.
  var PREVIEW_SLOTS = 2
  function effectPreviews (boxes) {
    var waiting = []
    var busy = 0
    function next () {
      while (busy < PREVIEW_SLOTS && waiting.length > 0) run(waiting.shift())
    }
    function settle () {
      busy--
      next()
    }
    function run (box) {
      busy++
      box.firstChild.textContent = 'rendering…'
      var follow = function (id) {
        whenFinal(id, function (final) { showResult(box, final).then(settle, settle) })
      }
      var id = box.getAttribute('data-run-id')
      if (id) return follow(id)
      startRun({ recipe: box.getAttribute('data-effect'), inputs: [box.getAttribute('data-asset')] }, function (started) {
        if (FINAL[started.status]) showResult(box, started).then(settle, settle)
        else follow(started.id)
      }, function (message) {
        box.className = 'placeholder failed'
        box.textContent = message
        settle()
      })
    }
    var wanted = []
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].getAttribute('data-run-id') || boxes[i].getAttribute('data-effect')) wanted.push(boxes[i])
    }
    if (!window.IntersectionObserver) {
      waiting = wanted
      return next()
    }
    var seen = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return
        seen.unobserve(entry.target)
        waiting.push(entry.target)
      })
      next()
    }, { rootMargin: '200px' })
    wanted.forEach(function (box) { seen.observe(box) })
  }

  // The form's parameters as the API takes them (numbers as numbers, checkboxes as booleans), leaving out
  // those at their default: a run that names a default is another run than one that leaves it out, and the
  // preview of the defaults is the one the /effects page shows
  function formParams (form) {
    var params = {}
    var blocks = form.querySelectorAll('.param[data-param]')
    for (var i = 0; i < blocks.length; i++) {
      var name = blocks[i].getAttribute('data-param')
      var type = blocks[i].getAttribute('data-type')
      var field = blocks[i].querySelector('[name="param.' + name + '"]')
      if (!field) continue
      var fallback = blocks[i].getAttribute('data-default')
      var value
      if (type === 'boolean') value = field.checked
      else if (type === 'number' || type === 'integer') value = field.value === '' ? field.value : Number(field.value)
      else value = field.value
      if (String(value) !== fallback) params[name] = value
    }
    return params
  }

  // a refusal that names a parameter is shown next to its control, any other in the preview
  function showParamError (form, status, message) {
    var olds = form.querySelectorAll('.param-error')
    for (var i = 0; i < olds.length; i++) olds[i].remove()
    if (!message) return
    var blocks = form.querySelectorAll('.param[data-param]')
    for (var j = 0; j < blocks.length; j++) {
      var name = blocks[j].getAttribute('data-param')
      if (new RegExp('\\b' + name + '\\b').test(message)) {
        var note = document.createElement('p')
        note.className = 'param-error error-text small'
        note.setAttribute('role', 'alert')
        note.textContent = message
        blocks[j].appendChild(note)
        status.textContent = 'Not rendered: see ' + name + '.'
        return
      }
    }
    status.textContent = message
  }

  // The live preview of an effect page: opening the page renders nothing; 400 ms after the last change of a
  // parameter (or of the sample) the effect runs with the form's parameters; a preview that a newer one supersedes is no longer followed
  // (its run finishes and stays cached: going back to those values shows it at once)
  var LIVE_DELAY_MS = 400
  function livePreview (box, form) {
    var effect = box.getAttribute('data-effect')
    var choice = box.querySelector('[data-live-input]')
    var result = box.querySelector('.live-result')
    var status = box.querySelector('.live-status')
    var timer = null
    var generation = 0
    var stopFollowing = null
    function render () {
      var mine = ++generation
      if (stopFollowing) stopFollowing()
      stopFollowing = null
      box.setAttribute('data-state', 'rendering')
      status.textContent = 'rendering…'
      var request = { recipe: effect, inputs: [choice.value], params: formParams(form) }
      startRun(request, function (run) {
        if (mine !== generation) return
        box.setAttribute('data-run-id', run.id)
        var show = function (final) {
          if (mine !== generation) return
          stopFollowing = null
          var holder = document.createElement('div')
          result.textContent = ''
          result.appendChild(holder)
          showParamError(form, status, '')
          showResult(holder, final).then(function () {
            if (mine !== generation) return
            status.textContent = final.outputCid ? 'Run ' + final.id.slice(0, 12) + '… ' + final.status + '.' : ''
            box.setAttribute('data-state', final.outputCid ? 'done' : 'failed')
          })
        }
        if (FINAL[run.status]) show(run)
        else stopFollowing = whenFinal(run.id, show)
      }, function (message) {
        if (mine !== generation) return
        box.setAttribute('data-state', 'refused')
        showParamError(form, status, message)
      })
    }
    function later () {
      clearTimeout(timer)
      timer = setTimeout(render, LIVE_DELAY_MS)
    }
    form.addEventListener('input', function (ev) { if (ev.target.closest('.params')) later() })
    form.addEventListener('change', function (ev) { if (ev.target.closest('.params')) later() })
    choice.addEventListener('change', later)
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
    var live = document.getElementById('live-preview')
    var form = document.getElementById('run-form')
    if (live && form && window.EventSource && window.fetch) livePreview(live, form)
    var previews = document.querySelectorAll('[data-preview]')
    if (previews.length > 0 && window.EventSource && window.fetch) effectPreviews(previews)
  })
})()
