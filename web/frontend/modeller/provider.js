// Sif's groups in the properties panel: what Sif reads from an element, edited in Swedish.
// Who does a step (a lane's roles; a user task's own candidate groups), the form of a user task,
// its form rules and due date, script and condition text, the service operator with its
// parameters and result variable, the called decision, and the case stage. The choices come
// from the page (`sifChoices`: roles and stages by their Swedish names, services, form rules)
// and from the bundle being edited (`sifBundle`: its forms and decisions).

import { ListGroup } from '@bpmn-io/properties-panel';
import { getBusinessObject, is, isAny } from 'bpmn-js/lib/util/ModelUtil';

import { addParameter, parametersOf, removeParameter } from './extensions.js';
import {
  CalledDecision, CandidateGroups, Condition, DueDate, FormChoice, FormRules, LaneRoles,
  LoopCollection, LoopItem, ParameterField, ResultVariable, ScriptText, ServiceChoice, Stage,
  SpiffScript
} from './entries.jsx';

const LOW_PRIORITY = 400;

function entry(id, component, extra = {}) {
  return { id, component, ...extra };
}

function group(id, label, entries) {
  return entries.length ? { id, label, entries } : null;
}

function whoGroup(element, text) {
  if (is(element, 'bpmn:Lane')) {
    return group('sif-who', text.whoGroup, [entry('sif-lane-roles', LaneRoles)]);
  }
  if (is(element, 'bpmn:UserTask')) {
    return group('sif-who', text.whoGroup, [entry('sif-candidate-groups', CandidateGroups)]);
  }
  return null;
}

function formGroup(element, text, choices) {
  if (!is(element, 'bpmn:UserTask')) {
    return null;
  }
  const entries = [entry('sif-form', FormChoice), entry('sif-due-date', DueDate)];
  if (choices.rules.length) {
    entries.push(entry('sif-form-rules', FormRules));
  }
  return group('sif-form', text.formGroup, entries);
}

function scriptGroup(element, text) {
  const entries = [];
  if (is(element, 'bpmn:ScriptTask')) {
    entries.push(entry('sif-script', ScriptText));
  }
  if (is(element, 'bpmn:SequenceFlow') && conditional(element)) {
    entries.push(entry('sif-condition', Condition));
  }
  return group('sif-script', text.scriptGroup, entries);
}

// SpiffWorkflow's scripts run before and after any activity (shown closed: seldom used).
function prePostGroup(element, text) {
  if (!isAny(element, ['bpmn:Task', 'bpmn:SubProcess', 'bpmn:CallActivity'])) {
    return null;
  }
  return group('sif-pre-post', text.prePostGroup, [
    entry('sif-pre-script', SpiffScript, { type: 'spiffworkflow:PreScript' }),
    entry('sif-post-script', SpiffScript, { type: 'spiffworkflow:PostScript' })
  ]);
}

// A flow can carry a condition when it leaves a gateway that chooses (exclusive, inclusive,
// complex) or an activity, unless it is the default flow, or when it already has one.
function conditional(element) {
  const bo = getBusinessObject(element);
  if (bo.get('conditionExpression')) {
    return true;
  }
  const source = bo.get('sourceRef');
  const chooses = isAny(source, [
    'bpmn:ExclusiveGateway', 'bpmn:InclusiveGateway', 'bpmn:ComplexGateway', 'bpmn:Activity'
  ]);
  return chooses && source.get('default') !== bo;
}

function serviceGroup(element, text) {
  if (!is(element, 'bpmn:ServiceTask')) {
    return null;
  }
  return group('sif-service', text.serviceGroup, [
    entry('sif-service-operator', ServiceChoice),
    entry('sif-result-variable', ResultVariable)
  ]);
}

function parameterGroup(element, text, injector) {
  if (!is(element, 'bpmn:ServiceTask')) {
    return null;
  }
  const services = {
    bpmnFactory: injector.get('bpmnFactory'),
    commandStack: injector.get('commandStack')
  };
  const bo = getBusinessObject(element);
  const items = parametersOf(bo).map((param, index) => ({
    id: `sif-parameter-${index}`,
    label: param.get('id') || text.parameterName,
    entries: [
      entry(`sif-parameter-${index}-id`, ParameterField, { param, field: 'id' }),
      entry(`sif-parameter-${index}-value`, ParameterField, { param, field: 'value' })
    ],
    autoFocusEntry: `sif-parameter-${index}-id`,
    remove: () => removeParameter(element, param, services)
  }));
  return {
    id: 'sif-parameters',
    label: text.parameters,
    component: ListGroup,
    add: (event) => {
      event.stopPropagation();
      addParameter(element, services);
    },
    items
  };
}

function decisionGroup(element, text) {
  if (!is(element, 'bpmn:BusinessRuleTask')) {
    return null;
  }
  return group('sif-decision', text.decisionGroup, [entry('sif-called-decision', CalledDecision)]);
}

function loopGroup(element, text) {
  const loop = getBusinessObject(element).get('loopCharacteristics');
  if (!loop || !is(loop, 'bpmn:MultiInstanceLoopCharacteristics')) {
    return null;
  }
  return group('sif-loop', text.loopGroup, [
    entry('sif-loop-input', LoopCollection, { field: 'loopDataInputRef' }),
    entry('sif-loop-input-item', LoopItem, { field: 'inputDataItem' }),
    entry('sif-loop-output', LoopCollection, { field: 'loopDataOutputRef' }),
    entry('sif-loop-output-item', LoopItem, { field: 'outputDataItem' })
  ]);
}

function stageGroup(element, text) {
  if (!isAny(element, ['bpmn:FlowNode'])) {
    return null;
  }
  return group('sif-stage', text.stageGroup, [entry('sif-stage-code', Stage)]);
}

export default class SifPropertiesProvider {
  constructor(propertiesPanel, injector, sifChoices) {
    propertiesPanel.registerProvider(LOW_PRIORITY, this);
    this._injector = injector;
    this._choices = sifChoices;
  }

  getGroups(element) {
    return (groups) => {
      const text = this._choices.texts;
      const ours = [
        formGroup(element, text, this._choices),
        whoGroup(element, text),
        scriptGroup(element, text),
        serviceGroup(element, text),
        parameterGroup(element, text, this._injector),
        decisionGroup(element, text),
        loopGroup(element, text),
        stageGroup(element, text),
        prePostGroup(element, text)
      ].filter(Boolean);
      // Sif's groups right after the general one (name and id), where a process owner looks.
      const general = groups.findIndex((g) => g.id === 'general');
      groups.splice(general + 1, 0, ...ours);
      // A group's own buttons ("Toggle section", "Create") speak the page's language only
      // when the group is given the translate service.
      const translate = this._injector.get('translate');
      return groups.map((g) => (g.translate ? g : { ...g, translate }));
    };
  }
}

SifPropertiesProvider.$inject = ['propertiesPanel', 'injector', 'sifChoices'];


export const SifPropertiesProviderModule = {
  __init__: ['sifPropertiesProvider'],
  sifPropertiesProvider: ['type', SifPropertiesProvider]
};
