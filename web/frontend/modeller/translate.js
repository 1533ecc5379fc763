// Swedish for bpmn-js and its properties panel: their `translate` service, replaced by one that
// looks the English text up in the texts the page gives (web/modeller/texts.py, in the
// person's language) and fills in `{placeholders}` as diagram-js's own does.

export function translateModule(texts) {
  function translate(template, replacements = {}) {
    const text = texts[template] || template;
    return text.replace(/{([^}]+)}/g, (whole, key) =>
      Object.prototype.hasOwnProperty.call(replacements, key) ? replacements[key] : whole
    );
  }
  return { translate: ['value', translate] };
}
