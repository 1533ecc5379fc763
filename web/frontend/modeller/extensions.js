// Reading and writing what Sif reads from an element's BPMN extension elements, through the
// modeller's command stack (so every change can be undone and marks the diagram as changed).
//
// Sif's contract (engine/lint.py, engine/due.py, SpiffWorkflow's spiff parser):
//   <spiffworkflow:properties><spiffworkflow:property name="…" value="…"/></spiffworkflow:properties>
//     formJsonSchemaFilename, dueDate, formRule (comma-separated), stage, and on a lane roles
//     (comma-separated role ids);
//   camunda:candidateGroups / camunda:formKey / camunda:dueDate attributes (they win over the
//     properties when set, so an element written in that style is kept in it);
//   <spiffworkflow:serviceTaskOperator id resultVariable><spiffworkflow:parameters>
//     <spiffworkflow:parameter id type value/>…; <spiffworkflow:calledDecisionId>;
//   <spiffworkflow:preScript>, <spiffworkflow:postScript>.

import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

const MULTI = 'properties-panel.multi-command-executor';

export function extensionValues(bo) {
  const ext = bo.get('extensionElements');
  return (ext && ext.get('values')) || [];
}

export function extensionOf(bo, type) {
  return extensionValues(bo).find((value) => is(value, type));
}

export function propertyOf(bo, name) {
  const props = extensionOf(bo, 'spiffworkflow:Properties');
  const found = props && props.get('properties').find((p) => p.get('name') === name);
  return found ? found.get('value') || '' : '';
}

export function splitList(text) {
  return (text || '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

// The commands that give `bo` an extensionElements container, and the container.
function ensureExtensions(element, bo, bpmnFactory, commands) {
  let ext = bo.get('extensionElements');
  if (!ext) {
    ext = bpmnFactory.create('bpmn:ExtensionElements', { values: [] });
    ext.$parent = bo;
    commands.push(update(element, bo, { extensionElements: ext }));
  }
  return ext;
}

// The commands that give `bo` an extension element of `type` (made with `attributes`), and it.
function ensureExtension(element, bo, type, attributes, bpmnFactory, commands) {
  const ext = ensureExtensions(element, bo, bpmnFactory, commands);
  let found = ext.get('values').find((value) => is(value, type));
  if (!found) {
    found = bpmnFactory.create(type, attributes);
    found.$parent = ext;
    commands.push(update(element, ext, { values: [...ext.get('values'), found] }));
  }
  return found;
}

function update(element, moddleElement, properties) {
  return { cmd: 'element.updateModdleProperties', context: { element, moddleElement, properties } };
}

function run(commandStack, commands) {
  if (commands.length) {
    commandStack.execute(MULTI, commands);
  }
}

// Set (or with an empty value remove) the Sif property `name` of the element.
export function setProperty(element, name, value, { bpmnFactory, commandStack }) {
  const bo = getBusinessObject(element);
  const commands = [];
  const props = extensionOf(bo, 'spiffworkflow:Properties');
  if (!props && !value) {
    return;
  }
  const container =
    props || ensureExtension(element, bo, 'spiffworkflow:Properties', { properties: [] }, bpmnFactory, commands);
  const list = container.get('properties');
  const existing = list.find((p) => p.get('name') === name);
  if (existing && value) {
    commands.push(update(element, existing, { value }));
  } else if (existing) {
    commands.push(update(element, container, { properties: list.filter((p) => p !== existing) }));
  } else if (value) {
    const prop = bpmnFactory.create('spiffworkflow:Property', { name, value });
    prop.$parent = container;
    commands.push(update(element, container, { properties: [...list, prop] }));
  }
  run(commandStack, commands);
}

// A value Sif reads from a camunda attribute if set, else from the Sif property.
export function attributeOrProperty(bo, attribute, name) {
  return bo.get(attribute) || propertyOf(bo, name);
}

// Write it back where it was found: into the camunda attribute if the element uses it.
export function setAttributeOrProperty(element, attribute, name, value, services) {
  const bo = getBusinessObject(element);
  if (bo.get(attribute)) {
    services.modeling.updateProperties(element, { [attribute]: value || undefined });
  } else {
    setProperty(element, name, value, services);
  }
}

// The text of a body-only extension element (calledDecisionId, preScript, postScript).
export function bodyOf(bo, type) {
  const found = extensionOf(bo, type);
  return found ? found.get('value') || '' : '';
}

export function setBody(element, type, value, { bpmnFactory, commandStack }) {
  const bo = getBusinessObject(element);
  const found = extensionOf(bo, type);
  const commands = [];
  if (found && value) {
    commands.push(update(element, found, { value }));
  } else if (found) {
    const ext = bo.get('extensionElements');
    commands.push(update(element, ext, { values: ext.get('values').filter((v) => v !== found) }));
  } else if (value) {
    ensureExtension(element, bo, type, { value }, bpmnFactory, commands);
  }
  run(commandStack, commands);
}

// The service task's operator, if it has one.
export function operatorOf(bo) {
  return extensionOf(bo, 'spiffworkflow:ServiceTaskOperator');
}

// The commands that give the element an operator (with no service chosen yet), and it.
function ensureOperator(element, bpmnFactory, commands) {
  const bo = getBusinessObject(element);
  return ensureExtension(element, bo, 'spiffworkflow:ServiceTaskOperator', { id: '' }, bpmnFactory, commands);
}

export function setOperator(element, properties, { bpmnFactory, commandStack }) {
  const commands = [];
  const operator = ensureOperator(element, bpmnFactory, commands);
  commands.push(update(element, operator, properties));
  run(commandStack, commands);
}

export function parametersOf(bo) {
  const operator = operatorOf(bo);
  const list = operator && operator.get('parameterList');
  return list ? list.get('parameters') : [];
}

export function addParameter(element, { bpmnFactory, commandStack }) {
  const commands = [];
  const operator = ensureOperator(element, bpmnFactory, commands);
  let list = operator.get('parameterList');
  if (!list) {
    list = bpmnFactory.create('spiffworkflow:Parameters', { parameters: [] });
    list.$parent = operator;
    commands.push(update(element, operator, { parameterList: list }));
  }
  const taken = new Set(list.get('parameters').map((p) => p.get('id')));
  let index = list.get('parameters').length + 1;
  while (taken.has(`parameter_${index}`)) {
    index += 1;
  }
  const param = bpmnFactory.create('spiffworkflow:Parameter', {
    id: `parameter_${index}`, type: 'any', value: ''
  });
  param.$parent = list;
  commands.push(update(element, list, { parameters: [...list.get('parameters'), param] }));
  run(commandStack, commands);
}

export function removeParameter(element, param, { commandStack }) {
  const list = param.$parent;
  const rest = list.get('parameters').filter((p) => p !== param);
  run(commandStack, [update(element, list, { parameters: rest })]);
}

export function updateModdle(element, moddleElement, properties, { commandStack }) {
  run(commandStack, [update(element, moddleElement, properties)]);
}
