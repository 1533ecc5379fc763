// The bundle being edited and what the toolbar does with it. The bundle (every file of the
// deployment or of the person's draft) is loaded whole; one BPMN file is shown at a time and
// the whole bundle, with the shown file's XML replaced, is sent to save a draft, validate or
// deploy (web/modeller/editing.py). Problems come back as {file, line, element_id, message}
// and are drawn on the diagram and listed (problems.js).

import { Problems } from './problems.js';
import { request } from '../request.js';
import { bpmnDeclares, bundleInfo, nameIn } from './bundle_files.js';

export class Editor {
  constructor({ root, config, csrf, modeler, bundleState }) {
    this.root = root;
    this.urls = config.urls;
    this.processKey = config.processKey;
    this.text = config.texts.own;
    this.csrf = csrf;
    this.modeler = modeler;
    this.bundleState = bundleState;
    this.status = root.querySelector('#modeller-status');
    this.draftStatus = root.querySelector('#modeller-draft-status');
    this.picker = root.querySelector('#modeller-file');
    this.files = {};
    this.current = null;
    this.dirty = false;
    this.warnings = [];
    this.changes = 0;
    this.draft = { exists: false, saved_text: '' };
    this.problems = new Problems({
      section: root.querySelector('#modeller-problems'),
      list: root.querySelector('#modeller-problems-list'),
      summary: root.querySelector('#modeller-problems-summary'),
      texts: this.text,
      editor: this
    });
    this.elementPicker = root.querySelector('#modeller-element');
    this.elementPicker.addEventListener('change', () => this.goTo(this.elementPicker.value));
    modeler.get('eventBus').on('commandStack.changed', () => {
      this.changes += 1;
      this.dirty = true;
      this.showDraft(this.draft);
      this.fillElementPicker();
    });
  }

  // Every named element of the diagram shown, by name: the keyboard's way to any element.
  fillElementPicker() {
    const named = this.modeler.get('elementRegistry').filter(
      (el) => !el.labelTarget && el.businessObject && el.businessObject.name && el.type !== 'label'
    );
    named.sort((a, b) => a.businessObject.name.localeCompare(b.businessObject.name, 'sv'));
    const options = named.map((el) => new Option(`${el.businessObject.name} (${el.id})`, el.id));
    const chosen = this.elementPicker.value;
    this.elementPicker.replaceChildren(new Option(this.text.chooseElement, ''), ...options);
    this.elementPicker.value = named.some((el) => el.id === chosen) ? chosen : '';
  }

  goTo(id) {
    const element = this.modeler.get('elementRegistry').get(id);
    if (element) {
      this.modeler.get('selection').select(element);
      this.modeler.get('canvas').scrollToElement(element, { top: 120, right: 120, bottom: 120, left: 120 });
    }
  }

  // A request to one of the modeller's endpoints (web/modeller/editing.py).
  ask(url, method, body) {
    return request(url, { method, csrf: this.csrf, body, failed: this.text.requestFailed });
  }

  say(message, kind = 'info') {
    this.status.textContent = message;
    this.status.dataset.kind = kind;
  }

  showDraft(draft) {
    this.draft = draft;
    const unsaved = this.dirty ? ` · ${this.text.unsaved}` : '';
    this.draftStatus.textContent = `${draft.saved_text}${unsaved}`;
    this.root.dataset.draft = draft.exists ? 'yes' : 'no';
  }

  // For the problem list: which file is shown, an element's name in any BPMN file, focus.
  currentFile() {
    return this.current;
  }

  nameIn(file, id) {
    const bpmn = Object.keys(this.files).filter((name) => name.endsWith('.bpmn'));
    const names = [file, ...bpmn].filter((name) => name.endsWith('.bpmn'));
    return names.map((name) => nameIn(this.files[name], id)).find(Boolean) || '';
  }

  focusPanel() {
    this.root.querySelector('#modeller-properties').focus();
  }

  async exportXML() {
    const { xml } = await this.modeler.saveXML({ format: true });
    return xml;
  }

  // Every file of the bundle, the shown one as it is now.
  async currentFiles() {
    if (this.current) {
      this.files[this.current] = await this.exportXML();
    }
    return { ...this.files };
  }

  // What the server is sent: the diagrams as they are now. It takes the other files (forms,
  // decision tables) from the draft, where their own editors save them.
  async diagrams() {
    const files = await this.currentFiles();
    return Object.fromEntries(Object.entries(files).filter(([name]) => name.endsWith('.bpmn')));
  }

  async openFile(name) {
    if (this.current && this.current !== name) {
      this.files[this.current] = await this.exportXML();
    }
    this.current = name;
    this.picker.value = name;
    const { warnings } = await this.draw(name);
    this.warnings = warnings.map((w) => w.message);
    this.root.dataset.importWarnings = String(warnings.length);
    this.root.dataset.file = name;
    overview(this.modeler.get('canvas'));
    this.fillElementPicker();
    this.problems.drawMarkers();
    if (this.warnings.length) {
      this.say(`${this.text.importWarnings}: ${this.warnings.join(' · ')}`, 'error');
    }
  }

  async draw(name) {
    try {
      return await this.modeler.importXML(this.files[name]);
    } catch (error) {
      // A file without a diagram (no BPMNDiagram, as hand-written files may be) cannot be drawn.
      const reason = /no diagram/i.test(error.message) ? this.text.noDiagram : this.text.loadFailed;
      this.root.dataset.loadError = error.message;
      this.say(`${name}: ${reason}`, 'error');
      throw error;
    }
  }

  // The bundle from the server: the person's draft, else the newest version's files.
  async load() {
    this.say(this.text.loading);
    const answer = await this.ask(this.urls.bundle, 'GET');
    if (!answer.ok) {
      this.say(answer.body.message, 'error');
      throw new Error(this.text.loadFailed);
    }
    this.files = answer.body.files;
    Object.assign(this.bundleState, bundleInfo(this.files));
    const bpmn = Object.keys(this.files).filter((name) => name.endsWith('.bpmn'));
    this.picker.replaceChildren(...bpmn.map((name) => new Option(name, name)));
    this.root.querySelector('#modeller-file-field').hidden = bpmn.length < 2;
    this.current = null;
    await this.openFile(bpmn.find((name) => bpmnDeclares(this.files[name], this.processKey)) || bpmn[0]);
    this.dirty = false;
    this.showDraft(answer.body.draft);
    this.root.dataset.ready = 'yes';
    if (!this.warnings.length) {
      this.say(this.text.loaded);
    }
  }

  async saveDraft() {
    this.say(this.text.saving);
    const files = await this.diagrams();
    const answer = await this.ask(this.urls.draft, 'POST', { files });
    if (!answer.ok) {
      this.say(answer.body.message, 'error');
      this.problems.show(answer.body.problems || [], answer.body.message);
      return;
    }
    this.dirty = false;
    this.showDraft(answer.body.draft);
    this.say(this.text.saved, 'success');
  }

  async discardDraft() {
    if (!window.confirm(this.text.discardConfirm)) {
      return;
    }
    const answer = await this.ask(this.urls.draft, 'DELETE');
    if (!answer.ok) {
      this.say(answer.body.message, 'error');
      return;
    }
    this.problems.clear();
    await this.load();
    this.say(this.text.discarded, 'success');
  }

  async validate() {
    this.say(this.text.validating);
    const files = await this.diagrams();
    const { ok, body } = await this.ask(this.urls.validate, 'POST', { files });
    this.problems.show(body.problems || [], body.message);
    this.say(body.message, ok && body.valid ? 'success' : 'error');
  }

  async deploy(comment) {
    this.say(this.text.deploying);
    const files = await this.diagrams();
    let { ok, status, body } = await this.ask(this.urls.deploy, 'POST', { files, comment });
    // A draft begun on an older version would undo what was deployed since: only if asked.
    if (status === 409 && body.error === 'newer_version' && window.confirm(`${body.message}\n\n${this.text.replaceNewer}`)) {
      ({ ok, status, body } = await this.ask(this.urls.deploy, 'POST', { files, comment, replace_newer: true }));
    }
    if (!ok) {
      this.problems.show(body.problems || [], body.message);
      this.say(body.message, 'error');
      return;
    }
    this.problems.show([], body.message);
    await this.load();
    const link = document.createElement('a');
    link.href = body.url;
    link.textContent = body.message;
    this.status.replaceChildren(link);
    this.status.dataset.kind = 'success';
    this.root.dataset.deployedVersion = String(body.version);
  }
}

// The whole diagram if it is still readable so; else its beginning (top left) at a readable
// size, beside the palette.
function overview(canvas) {
  canvas.zoom('fit-viewport');
  if (canvas.zoom() >= 0.6) {
    return;
  }
  const whole = canvas.getActiveLayer().getBBox();
  canvas.zoom(0.8);
  const box = canvas.viewbox();
  canvas.viewbox({ x: whole.x - 130, y: whole.y - 20, width: box.width, height: box.height });
}
