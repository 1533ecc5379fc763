// Sif's BPMN modeller (`/modellera/<key>`, web/modeller/templates/modeller/modeller.html):
// bpmn-js's Modeler with its properties panel, Sif's moddle extension (spiffworkflow.json) and
// Camunda's, Sif's own panel groups (provider.js) and Swedish labels (translate.js).
//
// The page gives its configuration as JSON (`#modeller-config`): the process key, the URLs of
// the JSON endpoints (web/modeller/editing.py), the choices the panel offers and the texts. The
// bundle (every file of the deployment or of the person's draft) is loaded whole; one BPMN
// file is edited at a time and the whole bundle, with that file's XML replaced, is sent to
// save a draft, validate or deploy. Problems come back as {file, line, element_id, message}
// and are drawn on the diagram and listed (problems.js).
//
// For tests and for the curious: `window.sifModeller` has `ready` (a promise), `exportXML()`,
// `importWarnings` (bpmn-js's warnings for the file now shown, also counted in
// `data-import-warnings`), `changes` (edits applied so far), `files()` and `openFile(name)`.

import Modeler from 'bpmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from 'bpmn-js-properties-panel';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';

import spiffModdle from './spiffworkflow.json';
import { Problems } from './problems.js';
import { SifPropertiesProviderModule } from './provider.js';
import { translateModule } from './translate.js';
import { bundleInfo, request } from './server.js';

// The groups shown open: what a process owner edits most (the others open with a click).
const OPEN_GROUPS = [
  'general', 'sif-who', 'sif-form', 'sif-script', 'sif-service', 'sif-parameters',
  'sif-decision', 'sif-loop', 'sif-stage', 'timer', 'multiInstance'
];

const root = document.querySelector('[data-modeller]');
if (root) {
  start(root);
}

function start(root) {
  const config = JSON.parse(document.getElementById(root.dataset.config).textContent);
  const text = config.texts.own;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const status = root.querySelector('#modeller-status');
  const draftStatus = root.querySelector('#modeller-draft-status');
  const picker = root.querySelector('#modeller-file');
  const bundleState = { forms: [], decisions: [] };
  const state = { files: {}, current: null, dirty: false, busy: false, warnings: [], changes: 0 };

  const modeler = new Modeler({
    container: root.querySelector('#modeller-canvas'),
    propertiesPanel: {
      parent: root.querySelector('#modeller-properties'),
      layout: { groups: Object.fromEntries(OPEN_GROUPS.map((id) => [id, { open: true }])) }
    },
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      SifPropertiesProviderModule,
      translateModule(config.texts.library),
      {
        sifChoices: ['value', { ...config.choices, texts: text }],
        sifBundle: ['value', bundleState]
      }
    ],
    moddleExtensions: { spiffworkflow: spiffModdle, camunda: camundaModdle }
  });

  const say = (message, kind = 'info') => {
    status.textContent = message;
    status.dataset.kind = kind;
  };
  const showDraft = (draft) => {
    draftStatus.textContent = state.dirty ? `${draft.saved_text} · ${text.unsaved}` : draft.saved_text;
    root.dataset.draft = draft.exists ? 'yes' : 'no';
    state.draft = draft;
  };
  modeler.get('eventBus').on('commandStack.changed', () => {
    state.changes += 1;
    state.dirty = true;
    showDraft(state.draft);
  });

  const problems = new Problems({
    section: root.querySelector('#modeller-problems'),
    list: root.querySelector('#modeller-problems-list'),
    summary: root.querySelector('#modeller-problems-summary'),
    texts: text,
    editor: {
      modeler,
      currentFile: () => state.current,
      openFile: (name) => openFile(name),
      nameIn: (file, id) =>
        [file, ...Object.keys(state.files).filter((name) => name.endsWith('.bpmn'))]
          .map((name) => (name.endsWith('.bpmn') ? nameIn(state.files[name], id) : ''))
          .find(Boolean) || '',
      focusPanel: () => root.querySelector('#modeller-properties').focus()
    }
  });

  async function exportXML() {
    const { xml } = await modeler.saveXML({ format: true });
    return xml;
  }

  async function currentFiles() {
    if (state.current) {
      state.files[state.current] = await exportXML();
    }
    return { ...state.files };
  }

  async function openFile(name) {
    if (state.current && state.current !== name) {
      state.files[state.current] = await exportXML();
    }
    state.current = name;
    picker.value = name;
    let warnings;
    try {
      ({ warnings } = await modeler.importXML(state.files[name]));
    } catch (error) {
      // A file without a diagram (no BPMNDiagram, as hand-written files may be) cannot be drawn.
      const reason = /no diagram/i.test(error.message) ? text.noDiagram : text.loadFailed;
      root.dataset.loadError = error.message;
      say(`${name}: ${reason}`, 'error');
      throw error;
    }
    state.warnings = warnings.map((w) => w.message);
    root.dataset.importWarnings = String(warnings.length);
    root.dataset.file = name;
    overview(modeler.get('canvas'));
    problems.drawMarkers();
    if (state.warnings.length) {
      say(`${text.importWarnings}: ${state.warnings.join(' · ')}`, 'error');
    }
  }

  async function load() {
    say(text.loading);
    const answer = await request(config.urls.bundle, 'GET', csrf);
    if (!answer.ok) {
      say(answer.body.message || text.loadFailed, 'error');
      throw new Error(text.loadFailed);
    }
    state.files = answer.body.files;
    Object.assign(bundleState, bundleInfo(state.files));
    const bpmn = Object.keys(state.files).filter((name) => name.endsWith('.bpmn'));
    picker.replaceChildren(...bpmn.map((name) => new Option(name, name)));
    root.querySelector('#modeller-file-field').hidden = bpmn.length < 2;
    const first = bpmn.find((name) => bpmnDeclares(state.files[name], config.processKey)) || bpmn[0];
    state.current = null;
    await openFile(first);
    state.dirty = false;
    showDraft(answer.body.draft);
    root.dataset.ready = 'yes';
    if (!state.warnings.length) {
      say(text.loaded);
    }
  }

  async function act(button, work) {
    if (state.busy) {
      return;
    }
    state.busy = true;
    button.setAttribute('aria-busy', 'true');
    try {
      await work();
    } catch (error) {
      say(text.requestFailed, 'error');
    } finally {
      state.busy = false;
      button.removeAttribute('aria-busy');
    }
  }

  async function saveDraft() {
    say(text.saving);
    const answer = await request(config.urls.draft, 'POST', csrf, { files: await currentFiles() });
    if (!answer.ok) {
      say(answer.body.message, 'error');
      problems.show(answer.body.problems || [], answer.body.message);
      return;
    }
    state.dirty = false;
    showDraft(answer.body.draft);
    say(text.saved, 'success');
  }

  async function discardDraft() {
    if (!window.confirm(text.discardConfirm)) {
      return;
    }
    const answer = await request(config.urls.draft, 'DELETE', csrf);
    if (!answer.ok) {
      say(answer.body.message, 'error');
      return;
    }
    problems.clear();
    await load();
    say(text.discarded, 'success');
  }

  async function validate() {
    say(text.validating);
    const answer = await request(config.urls.validate, 'POST', csrf, { files: await currentFiles() });
    const body = answer.body;
    problems.show(body.problems || [], body.message);
    say(body.message, answer.ok && body.valid ? 'success' : 'error');
  }

  async function deploy(comment) {
    say(text.deploying);
    const files = await currentFiles();
    const answer = await request(config.urls.deploy, 'POST', csrf, { files, comment });
    const body = answer.body;
    if (!answer.ok) {
      problems.show(body.problems || [], body.message);
      say(body.message, 'error');
      return;
    }
    problems.show([], body.message);
    await load();
    const link = document.createElement('a');
    link.href = body.url;
    link.textContent = body.message;
    status.replaceChildren(link);
    status.dataset.kind = 'success';
    root.dataset.deployedVersion = String(body.version);
  }

  const dialog = root.querySelector('#modeller-deploy');
  const on = (action, handler) =>
    root.querySelector(`[data-action="${action}"]`).addEventListener('click', (event) =>
      act(event.currentTarget, handler)
    );
  on('save', saveDraft);
  on('discard', discardDraft);
  on('validate', validate);
  root.querySelector('[data-action="deploy"]').addEventListener('click', () => dialog.showModal());
  dialog.querySelector('[data-action="cancel"]').addEventListener('click', () => dialog.close());
  dialog.querySelector('form').addEventListener('submit', (event) => {
    event.preventDefault();
    const comment = dialog.querySelector('textarea').value;
    dialog.close();
    act(root.querySelector('[data-action="deploy"]'), () => deploy(comment));
  });
  picker.addEventListener('change', () => openFile(picker.value));
  // The form and decision editors edit the same draft: changes here are saved before going.
  root.querySelectorAll('a[data-save-first]').forEach((link) =>
    link.addEventListener('click', (event) => {
      if (!state.dirty || root.dataset.ready !== 'yes') {
        return;
      }
      event.preventDefault();
      act(link, async () => {
        await saveDraft();
        if (!state.dirty) {
          window.location.assign(link.href);
        }
      });
    })
  );
  root.querySelectorAll('[data-zoom]').forEach((button) =>
    button.addEventListener('click', () => {
      const canvas = modeler.get('canvas');
      const step = { in: 1.2, out: 1 / 1.2 }[button.dataset.zoom];
      if (step) {
        canvas.zoom(canvas.zoom() * step);
      } else {
        canvas.zoom('fit-viewport', 'auto');
      }
    })
  );

  const ready = load().catch((error) => {
    root.dataset.ready = 'failed';
    // Nothing can be saved from a diagram that is not shown; a draft can still be thrown away.
    root.querySelectorAll('[data-action="save"], [data-action="validate"], [data-action="deploy"]')
      .forEach((button) => { button.disabled = true; });
    if (!root.dataset.loadError) {
      root.dataset.loadError = error.message;
    }
  });
  window.sifModeller = {
    ready,
    modeler,
    exportXML,
    openFile,
    files: currentFiles,
    get importWarnings() {
      return state.warnings;
    },
    get changes() {
      return state.changes; // how many edits so far (a typed field counts once it is applied)
    }
  };
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

// The name of the element `id` in a BPMN file's text ('' if it has none or is not there).
function nameIn(xml, id) {
  if (!xml) {
    return '';
  }
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  const found = [...doc.getElementsByTagName('*')].find((el) => el.getAttribute('id') === id);
  return (found && found.getAttribute('name')) || '';
}

function bpmnDeclares(xml, processKey) {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  return [...doc.getElementsByTagName('*')].some(
    (el) => el.localName === 'process' && el.getAttribute('id') === processKey
  );
}
