// What the modeller needs to know about the bundle being edited: its forms (file and title) and
// decisions (id, name) for the panel, an element's name and which file declares the process.

function formTitle(text) {
  try {
    const schema = JSON.parse(text);
    return typeof schema.title === 'string' ? schema.title : '';
  } catch (error) {
    return '';
  }
}

function decisionsOf(text) {
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  return [...doc.getElementsByTagName('*')]
    .filter((el) => el.localName === 'decision' && el.getAttribute('id'))
    .map((el) => ({ id: el.getAttribute('id'), name: el.getAttribute('name') || '' }));
}

export function bundleInfo(files) {
  const names = Object.keys(files).sort();
  return {
    forms: names
      .filter((name) => name.endsWith('.schema.json'))
      .map((file) => ({ file, title: formTitle(files[file]) })),
    decisions: names.filter((name) => name.endsWith('.dmn')).flatMap((name) => decisionsOf(files[name]))
  };
}

function elementsOf(xml) {
  return [...new DOMParser().parseFromString(xml, 'application/xml').getElementsByTagName('*')];
}

// The name of the element `id` in a BPMN file's text ('' if it has none or is not there).
export function nameIn(xml, id) {
  if (!xml) {
    return '';
  }
  const found = elementsOf(xml).find((el) => el.getAttribute('id') === id);
  return (found && found.getAttribute('name')) || '';
}

// Whether a BPMN file's text declares the process `processKey`.
export function bpmnDeclares(xml, processKey) {
  return elementsOf(xml).some((el) => el.localName === 'process' && el.getAttribute('id') === processKey);
}
