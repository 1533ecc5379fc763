// Sif's BPMN modeller (`/modellera/<key>`, web/modeller/templates/modeller/modeller.html):
// bpmn-js's Modeler with its properties panel, Sif's moddle extension (spiffworkflow.json) and
// Camunda's, Sif's own panel groups (provider.js) and Swedish labels (translate.js). The page
// gives its configuration as JSON (`#modeller-config`): the process key, the URLs of the JSON
// endpoints, the choices the panel offers and the texts. What the toolbar does is editor.js.
//
// For tests and for the curious: `window.sifModeller` has `ready` (a promise), `exportXML()`,
// `importWarnings` (bpmn-js's warnings for the file now shown, also counted in
// `data-import-warnings`), `changes` (edits applied so far), `files()` and `openFile(name)`.

import Modeler from 'bpmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from 'bpmn-js-properties-panel';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';

import spiffModdle from './spiffworkflow.json';
import { askBeforeLeaving } from '../leaving.js';
import { Editor } from './editor.js';
import { SifPropertiesProviderModule } from './provider.js';
import { translateModule } from './translate.js';

// The groups shown open: what a process owner edits most (the others open with a click).
const OPEN_GROUPS = [
  'general', 'sif-who', 'sif-form', 'sif-script', 'sif-service', 'sif-parameters',
  'sif-decision', 'sif-loop', 'sif-stage', 'timer', 'multiInstance'
];

const root = document.querySelector('[data-modeller]');
if (root) {
  start(root);
}

function createModeler(root, config, bundleState) {
  return new Modeler({
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
        sifChoices: ['value', { ...config.choices, texts: config.texts.own }],
        sifBundle: ['value', bundleState]
      }
    ],
    moddleExtensions: { spiffworkflow: spiffModdle, camunda: camundaModdle }
  });
}

function start(root) {
  const config = JSON.parse(document.getElementById(root.dataset.config).textContent);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const bundleState = { forms: [], decisions: [] };
  const modeler = createModeler(root, config, bundleState);
  const editor = new Editor({ root, config, csrf, modeler, bundleState });
  const act = busyGuard(editor);
  bindToolbar(root, editor, act);
  bindPartLinks(root, editor, act);
  bindZoom(root, modeler);
  askBeforeLeaving(() => editor.dirty);
  const ready = editor.load().catch((error) => {
    root.dataset.ready = 'failed';
    // Nothing can be saved from a diagram that is not shown; a draft can still be thrown away.
    root.querySelectorAll('[data-action="save"], [data-action="validate"], [data-action="deploy"]')
      .forEach((button) => { button.disabled = true; });
    root.dataset.loadError = root.dataset.loadError || error.message;
  });
  window.sifModeller = {
    ready,
    modeler,
    exportXML: () => editor.exportXML(),
    openFile: (name) => editor.openFile(name),
    files: () => editor.currentFiles(),
    get importWarnings() {
      return editor.warnings;
    },
    get changes() {
      return editor.changes; // how many edits so far (a typed field counts once it is applied)
    }
  };
}

// One action at a time; a failed request is said, never thrown at the page.
function busyGuard(editor) {
  let busy = false;
  return async (button, work) => {
    if (busy) {
      return;
    }
    busy = true;
    button.setAttribute('aria-busy', 'true');
    try {
      await work();
    } catch (error) {
      editor.say(editor.text.requestFailed, 'error');
    } finally {
      busy = false;
      button.removeAttribute('aria-busy');
    }
  };
}

function bindToolbar(root, editor, act) {
  const on = (action, handler) =>
    root.querySelector(`[data-action="${action}"]`).addEventListener('click', (event) =>
      act(event.currentTarget, handler)
    );
  on('save', () => editor.saveDraft());
  on('discard', () => editor.discardDraft());
  on('validate', () => editor.validate());
  const dialog = root.querySelector('#modeller-deploy');
  const deployButton = root.querySelector('[data-action="deploy"]');
  deployButton.addEventListener('click', () => dialog.showModal());
  dialog.querySelector('[data-action="cancel"]').addEventListener('click', () => dialog.close());
  dialog.querySelector('form').addEventListener('submit', (event) => {
    event.preventDefault();
    const comment = dialog.querySelector('textarea').value;
    dialog.close();
    act(deployButton, () => editor.deploy(comment));
  });
  const picker = root.querySelector('#modeller-file');
  picker.addEventListener('change', () => editor.openFile(picker.value));
}

// The form and decision editors edit the same draft: changes here are saved before going.
function bindPartLinks(root, editor, act) {
  root.querySelectorAll('a[data-save-first]').forEach((link) =>
    link.addEventListener('click', (event) => {
      if (!editor.dirty || root.dataset.ready !== 'yes') {
        return;
      }
      event.preventDefault();
      act(link, async () => {
        await editor.saveDraft();
        if (!editor.dirty) {
          window.location.assign(link.href);
        }
      });
    })
  );
}

function bindZoom(root, modeler) {
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
}
