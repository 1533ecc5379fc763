// The DMN editor page (web/modeller/dmn.py): dmn-js's Modeler on one .dmn file of the process
// owner's draft, opened on its first decision table. The page's container carries the URLs:
// data-xml-url (GET {name, xml, from_draft}), data-save-url and data-validate-url (POST
// {xml} with the X-CSRFToken header). After loading, the container says what happened for
// people and for tests: data-state (loading, ready, failed, saving, saved, unsaved) and
// data-warnings (dmn-js's import warnings as a JSON list of messages).

import DmnModeler from 'dmn-js/lib/Modeler';

import { askBeforeLeaving } from '../leaving.js';
import { request } from '../request.js';
import swedish from './sv.js';

const root = document.querySelector('[data-dmn-editor]');

function text(name) {
  return root.dataset[name] || '';
}

function say(target, message, kind) {
  target.replaceChildren();
  if (!message) {
    return;
  }
  const box = document.createElement('p');
  box.className = `notice notice--${kind}`;
  box.textContent = message;
  target.append(box);
}

function listing(title, items) {
  const box = document.createElement('div');
  box.className = 'notice notice--error';
  const head = document.createElement('p');
  head.className = 'notice__title';
  head.textContent = title;
  const list = document.createElement('ul');
  for (const item of items) {
    const line = document.createElement('li');
    line.textContent = item;
    list.append(line);
  }
  box.append(head, list);
  return box;
}

// The file's XML posted to `url`; a request that does not reach the server is an answer too.
async function post(url, xml) {
  const csrf = root.querySelector('input[name="csrf_token"]').value;
  const failed = text('saveFailed');
  try {
    const { ok, body } = await request(url, { method: 'POST', csrf, body: { xml }, failed });
    return { ok, answer: body };
  } catch (error) {
    return { ok: false, answer: { message: failed } };
  }
}

class DecisionEditor {
  constructor() {
    this.canvas = root.querySelector('[data-dmn-canvas]');
    this.status = root.querySelector('[data-dmn-status]');
    this.views = root.querySelector('[data-dmn-views]');
    this.problems = root.querySelector('[data-dmn-problems]');
    // Each view takes its own modules: dmn-js replaces `common.additionalModules` with the
    // view's own list, so the Swedish texts are given to every view by name.
    const swedishView = { additionalModules: [swedish] };
    this.modeler = new DmnModeler({
      container: this.canvas,
      drd: swedishView,
      decisionTable: swedishView,
      literalExpression: swedishView,
      boxedExpression: swedishView
    });
    this.modeler.on('views.changed', () => this.showViews());
    root.querySelector('[data-dmn-save]').addEventListener('click', () => this.save());
    root.querySelector('[data-dmn-validate]').addEventListener('click', () => this.validate());
  }

  async load() {
    root.dataset.state = 'loading';
    const unreached = { ok: false, body: {} };
    const { ok, body } = await request(text('xmlUrl'), { failed: '' }).catch(() => unreached);
    if (!ok) {
      this.loadFailed(body.message || '');
      return;
    }
    try {
      const { warnings } = await this.modeler.importXML(body.xml);
      this.openFirstTable();
      this.showWarnings(warnings);
      this.watchChanges();
      root.dataset.state = 'ready';
    } catch (error) {
      // dmn-js's reason is English: kept for the curious, not said.
      root.dataset.loadError = error.message;
      root.dataset.warnings = JSON.stringify((error.warnings || []).map((w) => w.message));
      this.loadFailed('');
    }
  }

  loadFailed(reason) {
    root.dataset.state = 'failed';
    say(this.status, `${text('loadFailed')} ${reason}`.trim(), 'error');
  }

  openFirstTable() {
    const table = this.modeler.getViews().find((view) => view.type === 'decisionTable');
    if (table && this.modeler.getActiveView() !== table) {
      this.modeler.open(table);
    }
  }

  showWarnings(warnings) {
    const messages = warnings.map((warning) => warning.message);
    root.dataset.warnings = JSON.stringify(messages);
    this.problems.replaceChildren();
    if (messages.length) {
      this.problems.append(listing(text('warningsTitle'), messages));
    }
  }

  watchChanges() {
    // Every view has its own command stack; any change in one makes the file unsaved.
    this.modeler.on('views.changed', () => this.watchActive());
    this.watchActive();
  }

  watchActive() {
    const viewer = this.modeler.getActiveViewer();
    if (!viewer || viewer.__sifWatched) {
      return;
    }
    viewer.__sifWatched = true;
    viewer.get('eventBus').on('elements.changed', () => {
      root.dataset.state = 'unsaved';
      say(this.status, text('unsaved'), 'info');
    });
  }

  showViews() {
    const views = this.modeler.getViews().filter((view) => view.type === 'decisionTable');
    const active = this.modeler.getActiveView();
    const label = document.createElement('span');
    label.className = 'dmn-editor__views-label';
    label.textContent = text('viewsLabel');
    this.views.replaceChildren(label);
    // One table and on it: nothing to choose. Else (several, or the diagram open) a way back.
    this.views.hidden = views.length < 2 && Boolean(active) && active.type === 'decisionTable';
    for (const view of views) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'button button--small';
      button.textContent = view.name || view.element.id;
      button.setAttribute('aria-pressed', String(view === active));
      button.addEventListener('click', () => this.modeler.open(view));
      this.views.append(button);
    }
  }

  async save() {
    root.dataset.state = 'saving';
    const { xml } = await this.modeler.saveXML({ format: true });
    const { ok, answer } = await post(text('saveUrl'), xml);
    root.dataset.state = ok ? 'saved' : 'unsaved';
    const source = document.querySelector('[data-source-text]');
    if (ok && source && answer.source) {
      source.textContent = answer.source;
    }
    say(this.status, answer.message, ok ? 'success' : 'error');
  }

  async validate() {
    const { xml } = await this.modeler.saveXML({ format: true });
    const { ok, answer } = await post(text('validateUrl'), xml);
    const found = (answer.problems || []).map((p) => (p.line ? `${p.file}:${p.line}: ` : '') + p.message);
    root.dataset.validation = ok && !found.length ? 'valid' : 'problems';
    if (!ok && !found.length) {
      found.push(answer.message);
    }
    this.problems.replaceChildren();
    if (found.length) {
      this.problems.append(listing(text('invalidTitle'), found));
    } else {
      say(this.problems, text('valid'), 'success');
    }
  }
}

if (root) {
  new DecisionEditor().load();
  askBeforeLeaving(() => root.dataset.state === 'unsaved');
}
