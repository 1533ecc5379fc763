// The form editor (web/modeller/forms.py): line numbers beside the schema's text, Tab that
// indents (Esc, then Tab, leaves the field: WCAG 2.1.2, no keyboard trap), and a live preview
// of the form drawn by the server ~400 ms after the last keystroke. The preview's HTML comes
// from Sif's own renderer (every value escaped); it is still parsed inertly and stripped of
// anything that could run before it is shown, and the CSP allows no inline script anyway.
(function () {
  'use strict';

  var editor = document.querySelector('[data-form-editor]');
  if (!editor) {
    return;
  }
  var text = editor.querySelector('#schema-text');
  var lines = editor.querySelector('[data-line-numbers]');
  var preview = editor.querySelector('[data-preview]');
  var problems = editor.querySelector('[data-problems]');
  var validation = editor.querySelector('#schema-validation');
  var validateButton = editor.querySelector('[data-validate]');
  var token = editor.querySelector('input[name="csrf_token"]').value;
  var INDENT = '  ';
  var DELAY_MS = 400;
  var leaving = false; // Esc was pressed: the next Tab moves on
  var timer = null;
  var asked = 0; // answers to older questions are dropped

  function countLines() {
    var count = text.value.split('\n').length;
    if (lines.dataset.count !== String(count)) {
      var numbers = [];
      for (var n = 1; n <= count; n += 1) {
        numbers.push(n);
      }
      lines.textContent = numbers.join('\n') + '\n';
      lines.dataset.count = String(count);
    }
    lines.scrollTop = text.scrollTop;
  }

  function insert(value) {
    text.setRangeText(value, text.selectionStart, text.selectionEnd, 'end');
    text.dispatchEvent(new Event('input', { bubbles: true }));
  }

  function onKey(event) {
    if (event.key === 'Escape') {
      leaving = true;
      return;
    }
    if (event.key === 'Tab' && !event.shiftKey && !leaving && !event.ctrlKey && !event.altKey) {
      event.preventDefault();
      insert(INDENT);
      return;
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.ctrlKey && !event.altKey) {
      // Keep the indentation of the line the caret is on.
      var before = text.value.slice(0, text.selectionStart);
      var current = before.slice(before.lastIndexOf('\n') + 1);
      var indent = current.match(/^ */)[0];
      event.preventDefault();
      insert('\n' + indent);
      return;
    }
    if (event.key !== 'Shift') {
      leaving = false;
    }
  }

  // Only what Sif's renderer writes survives: no script, no handler, no foreign frame.
  var DROPPED = 'script, style, link, meta, base, iframe, frame, object, embed, template';

  function clean(html) {
    var doc = new DOMParser().parseFromString(html, 'text/html');
    doc.body.querySelectorAll(DROPPED).forEach(function (node) { node.remove(); });
    doc.body.querySelectorAll('*').forEach(function (node) {
      Array.prototype.slice.call(node.attributes).forEach(function (attr) {
        var name = attr.name.toLowerCase();
        var scripted = /^\s*javascript:/i.test(attr.value);
        if (name.indexOf('on') === 0 || name === 'style' || name === 'formaction' || scripted) {
          node.removeAttribute(attr.name);
        }
      });
    });
    return Array.prototype.slice.call(doc.body.childNodes);
  }

  function problemList(title, found) {
    var box = document.createElement('div');
    box.className = 'notice notice--error';
    var head = document.createElement('p');
    head.className = 'notice__title';
    head.textContent = title;
    var list = document.createElement('ul');
    found.forEach(function (problem) {
      var item = document.createElement('li');
      item.textContent = (problem.path ? problem.path + ': ' : '') + problem.message;
      list.appendChild(item);
    });
    box.append(head, list);
    return box;
  }

  function post(url) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token },
      body: JSON.stringify({ schema: text.value })
    }).then(function (response) { return response.json(); });
  }

  function refresh() {
    asked += 1;
    var mine = asked;
    preview.dataset.state = 'loading';
    post(editor.dataset.previewUrl).then(function (answer) {
      if (mine !== asked) {
        return;
      }
      if (typeof answer.html === 'string') {
        problems.replaceChildren();
        preview.replaceChildren.apply(preview, clean(answer.html));
        preview.dataset.state = 'ready';
      } else {
        var found = answer.problems || [{ path: '', message: answer.message || '' }];
        problems.replaceChildren(problemList(editor.dataset.problemTitle, found));
        preview.dataset.state = 'problems';
      }
    }).catch(function () {
      if (mine === asked) {
        problems.replaceChildren(problemList(editor.dataset.offlineTitle, []));
        preview.dataset.state = 'failed';
      }
    });
  }

  function validate() {
    validation.replaceChildren();
    validation.dataset.state = 'loading';
    post(editor.dataset.validateUrl).then(function (answer) {
      var found = answer.problems || [{ path: '', message: answer.message || '' }];
      if (found.length) {
        validation.replaceChildren(problemList(editor.dataset.invalidTitle, found));
      } else {
        var fine = document.createElement('p');
        fine.className = 'notice notice--success';
        fine.textContent = editor.dataset.validTitle;
        validation.replaceChildren(fine);
      }
      validation.dataset.state = found.length ? 'problems' : 'valid';
    }).catch(function () {
      // Not reached, or an answer that is not Sif's (a proxy's error page): say so, in Swedish.
      var said = editor.dataset.validateFailed || editor.dataset.offlineTitle;
      validation.replaceChildren(problemList(said, []));
      validation.dataset.state = 'failed';
    });
  }

  // Unsaved edits are not lost by leaving the page by mistake: the browser asks first (in its
  // own words). Saving the form is not leaving.
  var saving = false;
  text.form.addEventListener('submit', function () { saving = true; });
  window.addEventListener('beforeunload', function (event) {
    if (!saving && text.value !== text.defaultValue) {
      event.preventDefault();
      event.returnValue = ''; // what older browsers look at
    }
  });

  // The field-by-field helper: one new property at the end of "properties", written back as
  // the whole text (two-space indents, as the shipped forms are written).
  var helper = editor.querySelector('[data-field-helper]');
  var FIELD_NAME = /^[a-z][a-z0-9_]{0,59}$/;
  var KINDS = {
    text: { type: 'string', maxLength: 200 },
    textarea: { type: 'string', maxLength: 5000 },
    integer: { type: 'integer' },
    number: { type: 'number' },
    tkr: { type: 'number', minimum: 0, 'x-unit': 'tkr' },
    date: { type: 'string', format: 'date' },
    boolean: { type: 'boolean' },
    choice: { type: 'string' }
  };

  function helperValue(id) {
    return helper.querySelector('#' + id).value.trim();
  }

  function newField() {
    var kind = helperValue('falt-typ');
    var field = { title: helperValue('falt-rubrik') };
    Object.keys(KINDS[kind]).forEach(function (key) { field[key] = KINDS[kind][key]; });
    if (helperValue('falt-hjalp')) {
      field.description = helperValue('falt-hjalp');
    }
    if (kind === 'choice') {
      field.enum = helperValue('falt-val').split('\n').map(function (v) { return v.trim(); })
        .filter(function (v) { return v; });
    }
    return field;
  }

  function fieldProblem(schema, name, field) {
    if (!FIELD_NAME.test(name)) {
      return editor.dataset.fieldNameWrong;
    }
    if (!field.title) {
      return editor.dataset.fieldTitleMissing;
    }
    if (field.enum && !field.enum.length) {
      return editor.dataset.fieldChoicesMissing;
    }
    if (schema.properties && Object.prototype.hasOwnProperty.call(schema.properties, name)) {
      return editor.dataset.fieldTaken;
    }
    return '';
  }

  function addField() {
    var said = helper.querySelector('[data-field-said]');
    var schema;
    try {
      schema = JSON.parse(text.value);
    } catch (error) {
      schema = null;
    }
    if (!schema || typeof schema !== 'object' || Array.isArray(schema)) {
      said.className = 'sif-error';
      said.textContent = editor.dataset.fieldJsonBroken;
      return;
    }
    var name = helperValue('falt-namn');
    var field = newField();
    var problem = fieldProblem(schema, name, field);
    if (problem) {
      said.className = 'sif-error';
      said.textContent = problem;
      return;
    }
    schema.properties = schema.properties || {};
    schema.properties[name] = field;
    if (helper.querySelector('#falt-krav').checked) {
      schema.required = (schema.required || []).concat([name]);
    }
    text.value = JSON.stringify(schema, null, 2) + '\n';
    text.dispatchEvent(new Event('input', { bubbles: true }));
    said.className = 'notice notice--success';
    said.textContent = editor.dataset.fieldAdded;
    ['falt-namn', 'falt-rubrik', 'falt-hjalp', 'falt-val'].forEach(function (id) {
      helper.querySelector('#' + id).value = '';
    });
    helper.querySelector('#falt-krav').checked = false;
  }

  helper.hidden = false;
  helper.querySelector('#falt-typ').addEventListener('change', function (event) {
    helper.querySelector('[data-choices]').hidden = event.target.value !== 'choice';
  });
  helper.querySelector('[data-add-field]').addEventListener('click', addField);

  text.addEventListener('keydown', onKey);
  text.addEventListener('blur', function () { leaving = false; });
  text.addEventListener('scroll', function () { lines.scrollTop = text.scrollTop; });
  text.addEventListener('input', function () {
    countLines();
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, DELAY_MS);
  });
  validateButton.hidden = false;
  validateButton.addEventListener('click', validate);
  countLines();
})();
