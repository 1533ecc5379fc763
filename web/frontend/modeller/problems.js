// A bundle's problems shown twice: as a marker on each element they name (a red outline and an
// overlay badge) and as a list beside the diagram (file:line, the element's name, the message).
// A list entry for an element is a button that selects it, switching to its BPMN file first
// if needed. After drawing, the container lists the marked ids in `data-marked` for tests.
// Server text is only ever set as textContent.

const MARKER = 'sif-problem';
const OVERLAY = 'sif-problems';

export class Problems {
  constructor({ section, list, summary, texts, editor }) {
    this.section = section;
    this.list = list;
    this.summary = summary;
    this.texts = texts;
    this.editor = editor; // modeler, currentFile(), openFile(name), nameIn(file, id), focusPanel()
    this.problems = [];
    this.marked = [];
  }

  show(problems, message) {
    this.problems = problems;
    this.summary.textContent = message;
    this.section.hidden = false;
    this.section.classList.toggle('modeller-problems--ok', problems.length === 0);
    this.drawList();
    this.drawMarkers();
  }

  clear() {
    this.problems = [];
    this.section.hidden = true;
    this.list.replaceChildren();
    this.drawMarkers();
  }

  // Markers for the diagram now shown (called again after switching files).
  drawMarkers() {
    const modeler = this.editor.modeler;
    const canvas = modeler.get('canvas');
    const overlays = modeler.get('overlays');
    const registry = modeler.get('elementRegistry');
    for (const id of this.marked) {
      if (registry.get(id)) {
        canvas.removeMarker(id, MARKER);
      }
    }
    overlays.remove({ type: OVERLAY });
    const counts = new Map();
    for (const problem of this.problems) {
      const id = problem.element_id;
      if (id && registry.get(id) && this.inThisDiagram(problem)) {
        counts.set(id, (counts.get(id) || 0) + 1);
      }
    }
    for (const [id, count] of counts) {
      canvas.addMarker(id, MARKER);
      const badge = document.createElement('div');
      badge.className = 'sif-problem-badge';
      badge.textContent = count > 1 ? `! ${count}` : '!';
      badge.setAttribute('aria-hidden', 'true');
      overlays.add(id, OVERLAY, { position: { top: -10, right: 10 }, html: badge });
    }
    this.marked = [...counts.keys()];
    this.section.dataset.marked = this.marked.join(' ');
  }

  // A problem belongs on this diagram if it is in this file, or in a file that is not BPMN (a
  // form or a decision table named by a task here).
  inThisDiagram(problem) {
    return problem.file === this.editor.currentFile() || !problem.file.endsWith('.bpmn');
  }

  // The element's name and id: from the diagram shown, else from the file the problem is in.
  elementName(problem) {
    const id = problem.element_id;
    const element = this.editor.modeler.get('elementRegistry').get(id);
    const name = element && element.businessObject
      ? element.businessObject.name
      : this.editor.nameIn(problem.file, id);
    return name ? `${name} (${id})` : id;
  }

  drawList() {
    const items = this.problems.map((problem) => {
      const item = document.createElement('li');
      item.className = 'modeller-problem';
      const where = document.createElement('code');
      where.className = 'modeller-problem__where';
      const file = problem.file || this.texts.package;
      where.textContent = problem.line ? `${file}:${problem.line}` : file;
      const message = document.createElement('span');
      message.className = 'modeller-problem__message';
      message.textContent = problem.message;
      if (!problem.element_id) {
        item.append(where, ' ', message);
        return item;
      }
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'modeller-problem__element';
      button.textContent = this.elementName(problem);
      button.addEventListener('click', () => this.select(problem));
      item.append(where, ' ', button, ' ', message);
      return item;
    });
    this.list.replaceChildren(...items);
  }

  async select(problem) {
    const registry = () => this.editor.modeler.get('elementRegistry');
    if (!registry().get(problem.element_id) && problem.file.endsWith('.bpmn')) {
      await this.editor.openFile(problem.file);
    }
    const element = registry().get(problem.element_id);
    if (!element) {
      return;
    }
    this.editor.modeler.get('selection').select(element);
    this.editor.modeler.get('canvas').scrollToElement(element, { top: 120, right: 120, bottom: 120, left: 120 });
    this.editor.focusPanel();
  }
}
