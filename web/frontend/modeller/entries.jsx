// The fields of Sif's groups in the properties panel (preact components, as the panel's own).
// Each reads what Sif reads (web/frontend/modeller/extensions.js) and writes it back through
// the command stack. Roles and stages are offered by their Swedish names; a role the page
// has no name for is shown as "Övrig roll (id)" so it can still be seen and unticked.

import {
  CheckboxGroup, SelectEntry, TextAreaEntry, TextFieldEntry
} from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject } from 'bpmn-js/lib/util/ModelUtil';

import {
  attributeOrProperty, bodyOf, operatorOf, propertyOf, setAttributeOrProperty, setBody,
  setOperator, setProperty, splitList, updateModdle
} from './extensions.js';

function useSif() {
  return {
    bpmnFactory: useService('bpmnFactory'),
    commandStack: useService('commandStack'),
    modeling: useService('modeling'),
    debounce: useService('debounceInput'),
    choices: useService('sifChoices'),
    bundle: useService('sifBundle')
  };
}

// A select's options: "none" first, then `known`; a current value not among them (a file or id
// no longer in the bundle) is kept as its own option, labelled by `missing`, so it can be seen.
function choiceOptions(none, known, current, missing) {
  const listed = known.some((option) => option.value === current);
  const kept = current && !listed ? [{ value: current, label: missing(current) }] : [];
  return [{ value: '', label: none }, ...known, ...kept];
}

// "Name (id)", or the id alone when there is no other name.
function named(name, id) {
  return name && name !== id ? `${name} (${id})` : id;
}

function roleOptions(choices, chosen) {
  const known = new Set(choices.roles.map((role) => role.id));
  const other = chosen
    .filter((id) => !known.has(id))
    .map((id) => ({ value: id, label: `${choices.texts.otherRole} (${id})` }));
  // The chosen roles first, so they show without scrolling the list.
  const all = [...choices.roles.map((role) => ({ value: role.id, label: role.name })), ...other];
  return [...all.filter((o) => chosen.includes(o.value)), ...all.filter((o) => !chosen.includes(o.value))];
}

export function LaneRoles({ element, id }) {
  const sif = useSif();
  const bo = getBusinessObject(element);
  const chosen = splitList(propertyOf(bo, 'roles'));
  const text = sif.choices.texts;
  return (
    <CheckboxGroup
      element={element}
      id={id}
      label={text.laneRoles}
      description={chosen.length ? text.laneRolesHelp : text.laneNoRoles}
      options={roleOptions(sif.choices, chosen)}
      getValue={() => chosen}
      setValue={(value) => setProperty(element, 'roles', value.join(','), sif)}
    />
  );
}

// The roles of the lane a flow node is in (what it gets without candidate groups of its own).
function laneRoles(bo) {
  const lane = (bo.get('lanes') || [])[0];
  return lane ? splitList(propertyOf(lane, 'roles')) : [];
}

export function CandidateGroups({ element, id }) {
  const sif = useSif();
  const bo = getBusinessObject(element);
  const chosen = splitList(bo.get('camunda:candidateGroups'));
  const text = sif.choices.texts;
  const names = new Map(sif.choices.roles.map((role) => [role.id, role.name]));
  const inherited = laneRoles(bo).map((role) => names.get(role) || `${text.otherRole} (${role})`);
  const help = inherited.length
    ? `${text.candidateGroupsHelp} ${text.laneRolesNow}: ${inherited.join(', ')}.`
    : text.candidateGroupsHelp;
  return (
    <CheckboxGroup
      element={element}
      id={id}
      label={text.candidateGroups}
      description={help}
      options={roleOptions(sif.choices, chosen)}
      getValue={() => chosen}
      setValue={(value) =>
        sif.modeling.updateProperties(element, {
          'camunda:candidateGroups': value.length ? value.join(',') : undefined
        })
      }
    />
  );
}

export function FormChoice({ element, id }) {
  const sif = useSif();
  const bo = getBusinessObject(element);
  const text = sif.choices.texts;
  const current = attributeOrProperty(bo, 'camunda:formKey', 'formJsonSchemaFilename');
  const options = () => {
    const forms = sif.bundle.forms.map((form) => ({ value: form.file, label: named(form.title, form.file) }));
    return choiceOptions(text.noForm, forms, current, (file) => `${file} – ${text.missingForm}`);
  };
  return (
    <SelectEntry
      element={element}
      id={id}
      label={text.form}
      getValue={() => current}
      setValue={(value) =>
        setAttributeOrProperty(element, 'camunda:formKey', 'formJsonSchemaFilename', value, sif)
      }
      getOptions={options}
    />
  );
}

export function DueDate({ element, id }) {
  const sif = useSif();
  const bo = getBusinessObject(element);
  const text = sif.choices.texts;
  return (
    <TextFieldEntry
      element={element}
      id={id}
      label={text.dueDate}
      description={text.dueDateHelp}
      debounce={sif.debounce}
      getValue={() => attributeOrProperty(bo, 'camunda:dueDate', 'dueDate')}
      setValue={(value) =>
        setAttributeOrProperty(element, 'camunda:dueDate', 'dueDate', (value || '').trim(), sif)
      }
    />
  );
}

export function FormRules({ element, id }) {
  const sif = useSif();
  const bo = getBusinessObject(element);
  const chosen = splitList(propertyOf(bo, 'formRule'));
  const known = new Set(sif.choices.rules.map((rule) => rule.id));
  const unknown = chosen.filter((rule) => !known.has(rule)).map((rule) => ({ id: rule, name: rule }));
  const options = [...sif.choices.rules, ...unknown].map((rule) => ({ value: rule.id, label: rule.name }));
  return (
    <CheckboxGroup
      element={element}
      id={id}
      label={sif.choices.texts.formRules}
      options={options}
      getValue={() => chosen}
      setValue={(value) => setProperty(element, 'formRule', value.join(','), sif)}
    />
  );
}

function Code({ element, id, label, getValue, setValue }) {
  const sif = useSif();
  return (
    <TextAreaEntry
      element={element}
      id={id}
      label={label}
      monospace
      rows={4}
      debounce={sif.debounce}
      getValue={getValue}
      setValue={setValue}
    />
  );
}

export function ScriptText({ element, id }) {
  const sif = useSif();
  const bo = getBusinessObject(element);
  return (
    <Code
      element={element}
      id={id}
      label={sif.choices.texts.script}
      getValue={() => bo.get('script') || ''}
      setValue={(value) => {
        const properties = { script: value || undefined };
        if (!bo.get('scriptFormat')) {
          properties.scriptFormat = 'python';
        }
        sif.modeling.updateProperties(element, properties);
      }}
    />
  );
}

export function SpiffScript({ element, id, type }) {
  const sif = useSif();
  const bo = getBusinessObject(element);
  const text = sif.choices.texts;
  const label = type === 'spiffworkflow:PreScript' ? text.preScript : text.postScript;
  return (
    <Code
      element={element}
      id={id}
      label={label}
      getValue={() => bodyOf(bo, type)}
      setValue={(value) => setBody(element, type, value, sif)}
    />
  );
}

export function Condition({ element, id }) {
  const sif = useSif();
  const bo = getBusinessObject(element);
  const translate = useService('translate');
  const expression = bo.get('conditionExpression');
  return (
    <Code
      element={element}
      id={id}
      label={translate('Condition expression')}
      getValue={() => (expression && expression.get('body')) || ''}
      setValue={(value) => {
        if (!value) {
          sif.modeling.updateProperties(element, { conditionExpression: undefined });
        } else if (expression) {
          updateModdle(element, expression, { body: value }, sif);
        } else {
          const made = sif.bpmnFactory.create('bpmn:FormalExpression', { body: value });
          sif.modeling.updateProperties(element, { conditionExpression: made });
        }
      }}
    />
  );
}

export function ServiceChoice({ element, id }) {
  const sif = useSif();
  const operator = operatorOf(getBusinessObject(element));
  const current = (operator && operator.get('id')) || '';
  const text = sif.choices.texts;
  const options = () => {
    const services = sif.choices.services.map((service) => ({ value: service.id, label: service.name }));
    return choiceOptions(text.noService, services, current, (id) => id);
  };
  return (
    <SelectEntry
      element={element}
      id={id}
      label={text.service}
      getValue={() => current}
      setValue={(value) => setOperator(element, { id: value }, sif)}
      getOptions={options}
    />
  );
}

export function ResultVariable({ element, id }) {
  const sif = useSif();
  const operator = operatorOf(getBusinessObject(element));
  return (
    <TextFieldEntry
      element={element}
      id={id}
      label={sif.choices.texts.resultVariable}
      debounce={sif.debounce}
      getValue={() => (operator && operator.get('resultVariable')) || ''}
      setValue={(value) => setOperator(element, { resultVariable: value || undefined }, sif)}
    />
  );
}

export function ParameterField({ element, id, param, field }) {
  const sif = useSif();
  const text = sif.choices.texts;
  return (
    <TextFieldEntry
      element={element}
      id={id}
      label={field === 'id' ? text.parameterName : text.parameterValue}
      debounce={sif.debounce}
      getValue={() => param.get(field) || ''}
      setValue={(value) => updateModdle(element, param, { [field]: value || '' }, sif)}
    />
  );
}

export function CalledDecision({ element, id }) {
  const sif = useSif();
  const bo = getBusinessObject(element);
  const current = bodyOf(bo, 'spiffworkflow:CalledDecisionId');
  const text = sif.choices.texts;
  const options = () => {
    const decisions = sif.bundle.decisions.map((d) => ({ value: d.id, label: named(d.name, d.id) }));
    return choiceOptions(text.noDecision, decisions, current, (id) => `${id} – ${text.missingForm}`);
  };
  return (
    <SelectEntry
      element={element}
      id={id}
      label={text.decision}
      getValue={() => current}
      setValue={(value) => setBody(element, 'spiffworkflow:CalledDecisionId', value, sif)}
      getOptions={options}
    />
  );
}

export function Stage({ element, id }) {
  const sif = useSif();
  const bo = getBusinessObject(element);
  const current = propertyOf(bo, 'stage');
  const text = sif.choices.texts;
  const options = () => {
    const stages = sif.choices.stages.map((s) => ({ value: s.id, label: s.name }));
    return choiceOptions(text.noStage, stages, current, (id) => id);
  };
  return (
    <SelectEntry
      element={element}
      id={id}
      label={text.stage}
      getValue={() => current}
      setValue={(value) => setProperty(element, 'stage', value, sif)}
      getOptions={options}
    />
  );
}

// Multi-instance as SpiffWorkflow runs it: the collection to go through (a data object of the
// process, named by loopDataInputRef), where the results go (loopDataOutputRef), and the
// variable each instance sees (inputDataItem) and fills (outputDataItem); SpiffWorkflow names
// the variable by the item's id, so id and name are kept the same.
function loopOf(element) {
  return getBusinessObject(element).get('loopCharacteristics');
}

function dataObjectsAround(bo) {
  const found = [];
  for (let scope = bo.$parent; scope; scope = scope.$parent) {
    for (const item of scope.get ? scope.get('flowElements') || [] : []) {
      if (item.$instanceOf('bpmn:DataObject')) {
        found.push(item);
      }
    }
  }
  return found;
}

export function LoopCollection({ element, id, field }) {
  const sif = useSif();
  const loop = loopOf(element);
  const text = sif.choices.texts;
  const objects = dataObjectsAround(getBusinessObject(element));
  const current = loop.get(field);
  const options = () => [
    { value: '', label: text.noCollection },
    ...objects.map((o) => ({ value: o.id, label: named(o.name, o.id) }))
  ];
  return (
    <SelectEntry
      element={element}
      id={id}
      label={field === 'loopDataInputRef' ? text.inputCollection : text.outputCollection}
      getValue={() => (current && current.id) || ''}
      setValue={(value) =>
        updateModdle(element, loop, { [field]: objects.find((o) => o.id === value) }, sif)
      }
      getOptions={options}
    />
  );
}

export function LoopItem({ element, id, field }) {
  const sif = useSif();
  const loop = loopOf(element);
  const text = sif.choices.texts;
  const item = loop.get(field);
  return (
    <TextFieldEntry
      element={element}
      id={id}
      label={field === 'inputDataItem' ? text.inputItem : text.outputItem}
      debounce={sif.debounce}
      getValue={() => (item && (item.get('name') || item.get('id'))) || ''}
      setValue={(value) => {
        const name = (value || '').trim();
        if (!name) {
          updateModdle(element, loop, { [field]: undefined }, sif);
        } else if (item) {
          updateModdle(element, item, { id: name, name }, sif);
        } else {
          const type = field === 'inputDataItem' ? 'bpmn:DataInput' : 'bpmn:DataOutput';
          const made = sif.bpmnFactory.create(type, { id: name, name });
          made.$parent = loop;
          updateModdle(element, loop, { [field]: made }, sif);
        }
      }}
    />
  );
}
