// Sif's process maps: a BPMN diagram drawn by bpmn-js with markers from the server.
//
// Every `[data-diagram]` element (rendered by the `case_diagram` / `waiting_diagram` macros in
// web/templates/_diagram.html) names two URLs: the BPMN XML and its markers as JSON,
// `{"markers": [{"id", "kind", "symbol", "label", "text", "level"}]}`. Each marker becomes a CSS
// class on the element (`sif-mark--<kind>`, for the colours) and, when it has a label, a badge
// beside the element: a button whose tooltip (the label and text, written by the server in the
// reader's language) shows on hover and on keyboard focus. After drawing, the container lists
// the ids it marked per kind (`data-current="a b"` …) so tests can check exactly what is shown.
//
// Text from the server is only ever set as textContent, never parsed as HTML; no inline styles
// are written (the Content-Security-Policy forbids them), only classes.

import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

const KIND_ATTRIBUTES = {
  completed: 'completed',
  flow: 'flows',
  current: 'current',
  timer: 'timers',
  incident: 'incident',
  heat: 'heat',
  added: 'added',
  changed: 'changed',
  removed: 'removed'
};

let tooltipCount = 0;

async function fetchOk(url, accept) {
  const response = await fetch(url, { headers: { Accept: accept }, credentials: 'same-origin' });
  if (!response.ok) {
    throw new Error(`${url}: ${response.status}`);
  }
  return response;
}

function badge(marker, onFocus) {
  const wrapper = document.createElement('div');
  wrapper.className = `diagram-mark diagram-mark--${marker.kind}`;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'diagram-mark__button';
  if (marker.kind === 'completed') {
    button.tabIndex = -1; // many on an old case; the page's table lists them for the keyboard
  }
  const symbol = document.createElement('span');
  symbol.setAttribute('aria-hidden', 'true');
  symbol.textContent = marker.symbol || '';
  const name = document.createElement('span');
  name.className = 'visually-hidden';
  name.textContent = marker.label;
  button.append(symbol, name);
  const tip = document.createElement('div');
  tooltipCount += 1;
  tip.id = `diagram-tip-${tooltipCount}`;
  tip.className = 'diagram-mark__tip';
  tip.setAttribute('role', 'tooltip');
  const title = document.createElement('strong');
  title.textContent = marker.label;
  tip.append(title);
  if (marker.text) {
    const text = document.createElement('span');
    text.textContent = marker.text;
    tip.append(text);
  }
  button.setAttribute('aria-describedby', tip.id);
  button.addEventListener('focus', onFocus);
  // WCAG 1.4.13: a tooltip can be dismissed without moving the pointer or the focus.
  wrapper.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      wrapper.classList.add('diagram-mark--dismissed');
    }
  });
  const wake = () => wrapper.classList.remove('diagram-mark--dismissed');
  button.addEventListener('blur', wake);
  wrapper.addEventListener('mouseleave', wake);
  wrapper.append(button, tip);
  return wrapper;
}

function mark(viewer, markers) {
  const canvas = viewer.get('canvas');
  const overlays = viewer.get('overlays');
  const registry = viewer.get('elementRegistry');
  const marked = {};
  for (const marker of markers) {
    const element = registry.get(marker.id);
    if (!element) {
      continue; // drawn in another diagram (a called process)
    }
    canvas.addMarker(element, `sif-mark--${marker.kind}`);
    if (marker.level) {
      canvas.addMarker(element, `sif-heat--${marker.level}`);
    }
    (marked[marker.kind] = marked[marker.kind] || []).push(marker.id);
    if (marker.label && !element.waypoints) {
      const onFocus = () => canvas.scrollToElement(element, 60);
      overlays.add(element, 'sif-mark', {
        position: { top: -12, right: 12 },
        scale: false, // readable at any zoom
        html: badge(marker, onFocus)
      });
    }
  }
  return marked;
}

// Kinds worth opening the map on: what waits, what failed, where tasks pile up, what a new
// version changed.
const FOCUS_KINDS = new Set(['current', 'timer', 'incident', 'heat', 'added', 'changed', 'removed']);

// Show the elements that matter at a readable scale (a whole fund process fitted into the page
// is too small to read); without any, the whole diagram.
function focusOn(canvas, registry, markers) {
  const shapes = markers
    .filter((marker) => FOCUS_KINDS.has(marker.kind))
    .map((marker) => registry.get(marker.id))
    .filter((element) => element && !element.waypoints);
  canvas.zoom('fit-viewport', 'auto');
  if (!shapes.length) {
    if (canvas.zoom() < READABLE_SCALE) {
      openAtStart(canvas);
      return;
    }
    shrinkToFit(canvas);
    alignTop(canvas);
    return;
  }
  const pad = 80;
  const left = Math.min(...shapes.map((s) => s.x)) - pad;
  const top = Math.min(...shapes.map((s) => s.y)) - pad;
  const right = Math.max(...shapes.map((s) => s.x + s.width)) + pad;
  const bottom = Math.max(...shapes.map((s) => s.y + s.height)) + pad;
  const outer = canvas.viewbox().outer;
  const scale = Math.min(outer.width / (right - left), outer.height / (bottom - top), 1);
  const width = outer.width / scale;
  const height = outer.height / scale;
  canvas.viewbox({
    x: (left + right) / 2 - width / 2,
    y: (top + bottom) / 2 - height / 2,
    width,
    height
  });
  alignTop(canvas);
}

// Below this scale a fitted process's names cannot be read.
const READABLE_SCALE = 0.6;

// A process too large to read whole opens at 100 % at its start (its top left corner), the way
// one reads it; "Visa hela" still fits it whole.
function openAtStart(canvas) {
  const box = canvas.viewbox();
  const outer = box.outer;
  canvas.viewbox({ x: box.inner.x - 24, y: box.inner.y - 24, width: outer.width, height: outer.height });
}

// A whole wide process fitted into the frame is a strip: make the frame no taller than the strip
// (never below 20rem, the stylesheet's minimum), so the page does not hold an empty box.
function shrinkToFit(canvas) {
  const frame = canvas.getContainer().closest('.diagram__canvas');
  if (!frame) {
    return;
  }
  const box = canvas.viewbox();
  const needed = Math.ceil(box.inner.height * box.scale) + 48;
  if (needed < frame.clientHeight) {
    frame.style.height = `${needed}px`; // CSSOM, allowed by the CSP (no style attribute markup)
    canvas.resized();
    canvas.zoom('fit-viewport', 'auto');
  }
}

// A wide diagram fitted into the frame leaves empty paper above it: start at its top edge.
function alignTop(canvas) {
  const box = canvas.viewbox();
  const top = box.inner.y - 24 / box.scale;
  if (box.y < top) {
    canvas.viewbox({ x: box.x, y: top, width: box.width, height: box.height });
  }
}

function bindZoom(container, canvas) {
  container.querySelectorAll('[data-zoom]').forEach((button) => {
    button.addEventListener('click', () => {
      const how = button.dataset.zoom;
      if (how === 'fit') {
        canvas.zoom('fit-viewport', 'auto');
        alignTop(canvas);
      } else {
        const step = how === 'in' ? 1.25 : 0.8;
        canvas.zoom(canvas.zoom() * step, 'auto');
      }
    });
  });
}

async function show(container) {
  const target = container.querySelector('.diagram__canvas');
  const status = container.querySelector('.diagram__status');
  try {
    const [xml, body] = await Promise.all([
      fetchOk(container.dataset.xmlUrl, 'application/xml').then((r) => r.text()),
      fetchOk(container.dataset.marksUrl, 'application/json').then((r) => r.json())
    ]);
    const viewer = new NavigatedViewer({ container: target });
    await viewer.importXML(xml);
    const canvas = viewer.get('canvas');
    const svg = target.querySelector('svg');
    if (svg) {
      svg.setAttribute('aria-label', container.dataset.canvasLabel || '');
      svg.setAttribute('role', 'img');
    }
    const markers = body.markers || [];
    const marked = mark(viewer, markers);
    focusOn(canvas, viewer.get('elementRegistry'), markers);
    for (const [kind, attribute] of Object.entries(KIND_ATTRIBUTES)) {
      container.dataset[attribute] = (marked[kind] || []).join(' ');
    }
    bindZoom(container, canvas);
    container.classList.add('diagram--ready');
    status.textContent = '';
  } catch (error) {
    container.classList.add('diagram--failed');
    status.textContent = container.dataset.failText || '';
  }
}

document.querySelectorAll('[data-diagram]').forEach((container) => {
  show(container);
});
