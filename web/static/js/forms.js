/*
 * Sif forms, made quicker with JavaScript; they work without it (web/forms renders them).
 *
 * Rows: "Lägg till rad" / "Ta bort rad" are submit buttons (name="_form_action") that the
 * server applies when JavaScript is off. Here they work in place instead: a new row is the
 * container's <template data-row-template> with its index token (data-index-token, "__i0__")
 * replaced by data-next-index and its number token (data-number-token) by the row's number.
 * Removing leaves a gap in the indices, which the server closes.
 *
 * Conditional fields: a wrapper with data-show-if="<name of the answer it depends on>" is shown
 * when that answer is one of data-show-values (JSON list), at least data-show-minimum, or (with
 * neither) filled in; data-show-negate turns the test around. A hidden wrapper's controls are
 * disabled, so they are not posted. On load a wrapper that already holds an answer stays shown
 * until the answer it depends on is changed, so that nothing typed is dropped unseen.
 *
 * No inline scripts or handlers (the site's CSP forbids them), no framework.
 */
(function () {
  "use strict";

  var CONTROLS = "input, select, textarea, button";

  function parseNumber(text) {
    var cleaned = text.replace(/[\s\u00a0\u202f\u2009]/g, "").replace("\u2212", "-").replace(",", ".");
    if (!/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(cleaned)) {
      return null;
    }
    return Number(cleaned);
  }

  /* The answers posted under a name (or, for an object, under names below it). */
  function answers(form, name) {
    var found = [];
    var boxes = {};
    var controls = form.querySelectorAll("[name]");
    var i;
    for (i = 0; i < controls.length; i += 1) {
      if (controls[i].type === "checkbox") {
        boxes[controls[i].name] = true;
      }
    }
    for (i = 0; i < controls.length; i += 1) {
      var control = controls[i];
      var under = control.name === name || control.name.indexOf(name + ".") === 0;
      if (!under || control.disabled || control.tagName === "BUTTON") {
        continue;
      }
      if (control.type === "checkbox" || control.type === "radio") {
        if (control.checked && control.value !== "") {
          found.push(control.value);
        }
      } else if (control.type === "hidden" && (boxes[control.name] || control.value === "")) {
        continue; /* a checkbox's "false" marker, a row's marker */
      } else if (control.value.trim() !== "") {
        found.push(control.value.trim());
      }
    }
    return found;
  }

  function holds(form, wrapper) {
    var given = answers(form, wrapper.getAttribute("data-show-if"));
    var result;
    if (wrapper.hasAttribute("data-show-values")) {
      var expected = JSON.parse(wrapper.getAttribute("data-show-values"));
      result = given.some(function (value) { return expected.indexOf(value) !== -1; });
    } else if (wrapper.hasAttribute("data-show-minimum")) {
      var least = Number(wrapper.getAttribute("data-show-minimum"));
      var number = given.length === 1 ? parseNumber(given[0]) : null;
      result = number !== null && number >= least;
    } else {
      result = given.length > 0;
    }
    return wrapper.hasAttribute("data-show-negate") ? !result : result;
  }

  function hasAnswer(wrapper) {
    var controls = wrapper.querySelectorAll("input, select, textarea");
    for (var i = 0; i < controls.length; i += 1) {
      var control = controls[i];
      if (control.type === "checkbox" || control.type === "radio") {
        if (control.checked && control.value !== "") {
          return true;
        }
      } else if (control.type !== "hidden" && control.value.trim() !== "") {
        return true;
      }
    }
    return false;
  }

  function show(wrapper, shown) {
    wrapper.hidden = !shown;
    var controls = wrapper.querySelectorAll(CONTROLS);
    for (var i = 0; i < controls.length; i += 1) {
      var control = controls[i];
      if (!shown && !control.disabled) {
        control.disabled = true;
        control.setAttribute("data-sif-hidden", "");
      } else if (shown && control.hasAttribute("data-sif-hidden")) {
        control.disabled = false;
        control.removeAttribute("data-sif-hidden");
      }
    }
  }

  /* Show and hide every conditional field of a form; a few passes settle chains of them. */
  function refresh(form) {
    var wrappers = form.querySelectorAll("[data-show-if]");
    for (var pass = 0; pass < 4; pass += 1) {
      var changed = false;
      for (var i = 0; i < wrappers.length; i += 1) {
        var wrapper = wrappers[i];
        var shown = wrapper.hasAttribute("data-sif-sticky") || holds(form, wrapper);
        if (shown === wrapper.hidden) {
          changed = true;
        }
        show(wrapper, shown);
      }
      if (!changed) {
        return;
      }
    }
  }

  function answered(form, name) {
    var wrappers = form.querySelectorAll("[data-sif-sticky]");
    for (var i = 0; i < wrappers.length; i += 1) {
      var on = wrappers[i].getAttribute("data-show-if");
      if (name === on || name.indexOf(on + ".") === 0) {
        wrappers[i].removeAttribute("data-sif-sticky");
      }
    }
    refresh(form);
  }

  function rowsOf(container) {
    var body = container.querySelector("[data-rows-body]");
    return Array.prototype.filter.call(body.children, function (row) {
      return row.hasAttribute("data-row");
    });
  }

  function ownButton(container, action) {
    return Array.prototype.filter.call(container.children, function (child) {
      return child.getAttribute("data-form-action") === action;
    })[0];
  }

  /* Row numbers as people count, and the add button off at data-max-items. */
  function tidy(container) {
    rowsOf(container).forEach(function (row, index) {
      var numbers = row.querySelectorAll("[data-row-number]");
      for (var i = 0; i < numbers.length; i += 1) {
        if (numbers[i].closest("[data-row]") === row) {
          numbers[i].textContent = String(index + 1);
        }
      }
    });
    var most = container.getAttribute("data-max-items");
    var add = ownButton(container, "add");
    if (most !== null && add) {
      add.disabled = rowsOf(container).length >= Number(most);
    }
  }

  function firstControl(element) {
    return element.querySelector("input:not([type=hidden]), select, textarea");
  }

  function addRow(form, container) {
    var template = Array.prototype.filter.call(container.children, function (child) {
      return child.tagName === "TEMPLATE" && child.hasAttribute("data-row-template");
    })[0];
    var index = Number(container.getAttribute("data-next-index"));
    var html = template.innerHTML
      .split(container.getAttribute("data-index-token")).join(String(index))
      .split(container.getAttribute("data-number-token")).join(String(index + 1));
    var scratch = document.createElement("template");
    scratch.innerHTML = html;
    var row = scratch.content.querySelector("[data-row]");
    container.querySelector("[data-rows-body]").appendChild(row);
    container.setAttribute("data-next-index", String(index + 1));
    tidy(container);
    refresh(form);
    var first = firstControl(row);
    if (first) {
      first.focus();
    }
  }

  function removeRow(form, button) {
    var row = button.closest("[data-row]");
    var container = row.closest("[data-rows]");
    var rows = rowsOf(container);
    var next = rows[rows.indexOf(row) + 1] || rows[rows.indexOf(row) - 1];
    row.parentNode.removeChild(row);
    tidy(container);
    refresh(form);
    var target = (next && firstControl(next)) || ownButton(container, "add");
    if (target) {
      target.focus();
    }
  }

  function onClick(event) {
    var button = event.target.closest("button[data-form-action]");
    var form = button && button.closest("[data-sif-form]");
    if (!form) {
      return;
    }
    event.preventDefault();
    if (button.getAttribute("data-form-action") === "add") {
      addRow(form, button.closest("[data-rows]"));
    } else {
      removeRow(form, button);
    }
  }

  function onAnswer(event) {
    var form = event.target.closest && event.target.closest("[data-sif-form]");
    if (form && event.target.name) {
      answered(form, event.target.name);
    }
  }

  // Enter in a text field would press the form's first button, which may be "Lägg till rad":
  // inside a Sif form it does nothing; people send the form with its own buttons.
  function onKey(event) {
    var target = event.target;
    if (event.key !== "Enter" || !target.closest || !target.closest("[data-sif-form]")) {
      return;
    }
    if (target.tagName === "INPUT" && !/^(submit|button|reset|image)$/i.test(target.type)) {
      event.preventDefault();
    }
  }

  function start() {
    var forms = document.querySelectorAll("[data-sif-form]");
    for (var i = 0; i < forms.length; i += 1) {
      var wrappers = forms[i].querySelectorAll("[data-show-if]");
      for (var j = 0; j < wrappers.length; j += 1) {
        if (hasAnswer(wrappers[j])) {
          wrappers[j].setAttribute("data-sif-sticky", "");
        }
      }
      refresh(forms[i]);
    }
    document.addEventListener("click", onClick);
    document.addEventListener("change", onAnswer);
    document.addEventListener("input", onAnswer);
    document.addEventListener("keydown", onKey);
    var summary = document.querySelector("[data-error-summary]");
    var notice = summary && summary.closest("[tabindex]");
    if (notice) {
      notice.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
