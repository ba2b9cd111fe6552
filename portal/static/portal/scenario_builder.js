/* The scenario form's change builder: rows of "open" / "set_intake" / "close" with their fields, kept in
   the JSON textarea (#id_changes_json) that the server reads. Without this script the textarea is edited
   directly. Options (colleges, majors, programs, schooling), labels and the server's per-change errors
   come from json_script blocks: planner-options, builder-labels, change-errors-data. */
(function () {
  "use strict";

  var form = document.getElementById("scenario-form");
  var textarea = document.getElementById("id_changes_json");
  if (!form || !textarea) {
    return;
  }
  function json(id, fallback) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : fallback;
  }
  var options = json("planner-options", {});
  var labels = json("builder-labels", {});
  var errors = json("change-errors-data", []);
  var initial;
  try {
    initial = textarea.value.trim() ? JSON.parse(textarea.value) : [];
  } catch (e) {
    return; // not JSON: leave the textarea to the user, the server names the error
  }
  if (!Array.isArray(initial)) {
    return;
  }

  var FIELDS = {
    open: ["college_code", "major_code", "schooling", "first_intake_year", "intake"],
    set_intake: ["program", "from_year", "factor"],
    close: ["program", "on"]
  };
  var INTEGER = { first_intake_year: true, from_year: true, program: true };
  var NUMBER = { intake: true, factor: true };
  var periodSelect = document.getElementById("id_period");
  function baseYear() {
    return parseInt((periodSelect && periodSelect.value) || String(new Date().getFullYear()), 10);
  }
  function defaults(action) {
    var next = baseYear() + 1;
    if (action === "open") {
      return { action: "open", college_code: "", major_code: "", schooling: "3yr_higher", first_intake_year: next, intake: 50 };
    }
    if (action === "set_intake") {
      return { action: "set_intake", program: "", from_year: next, factor: 0.5 };
    }
    return { action: "close", program: "", on: next + "-09-01" };
  }

  var rows = document.getElementById("change-rows");
  var empty = document.getElementById("change-empty");
  var counter = 0;

  function select(choices, value, withClosed) {
    var element = document.createElement("select");
    var blank = document.createElement("option");
    blank.value = "";
    blank.textContent = "— " + labels.choose + " —";
    element.appendChild(blank);
    choices.forEach(function (choice) {
      var option = document.createElement("option");
      option.value = String(choice[0]);
      option.textContent =
        (typeof choice[0] === "string" && choice[0] !== choice[1] && !withClosed ? choice[0] + " " : "") +
        choice[1] +
        (withClosed && choice[2] ? "（" + labels.closed + "）" : "");
      element.appendChild(option);
    });
    element.value = value === undefined || value === null ? "" : String(value);
    return element;
  }

  function input(name, value) {
    if (name === "college_code") {
      return select(options.colleges || [], value);
    }
    if (name === "major_code") {
      return select(options.majors || [], value);
    }
    if (name === "schooling") {
      return select(options.schooling || [], value, true);
    }
    if (name === "program") {
      return select(options.programs || [], value, true);
    }
    var element = document.createElement("input");
    element.type = name === "on" ? "date" : "number";
    if (name === "factor") {
      element.step = "0.05";
      element.min = "0";
    } else if (NUMBER[name] || INTEGER[name]) {
      element.step = "1";
      element.min = "0";
    }
    element.value = value === undefined || value === null ? "" : String(value);
    return element;
  }

  function renumber() {
    Array.prototype.forEach.call(rows.children, function (row, index) {
      row.querySelector(".change-row__number").textContent = "#" + (index + 1);
      row.setAttribute("aria-label", labels.change.replace("%(n)s", index + 1));
    });
    empty.hidden = rows.children.length > 0;
  }

  function addRow(change, rowErrors) {
    counter += 1;
    var row = document.createElement("div");
    row.className = "change-row";
    row.setAttribute("role", "group");
    row.setAttribute("data-action", change.action);
    var number = document.createElement("span");
    number.className = "change-row__number";
    row.appendChild(number);
    var kind = document.createElement("strong");
    kind.textContent = labels.actions[change.action] || change.action;
    row.appendChild(kind);
    (FIELDS[change.action] || []).forEach(function (name) {
      var field = document.createElement("div");
      field.className = "field";
      var id = "change-" + counter + "-" + name;
      var label = document.createElement("label");
      label.setAttribute("for", id);
      label.textContent = labels.fields[name] || name;
      var control = input(name, change[name]);
      control.id = id;
      control.setAttribute("data-field", name);
      field.appendChild(label);
      field.appendChild(control);
      if (rowErrors && rowErrors[name]) {
        field.className += " field--error";
        var message = document.createElement("ul");
        message.className = "field__errors";
        var item = document.createElement("li");
        item.textContent = rowErrors[name];
        message.appendChild(item);
        field.appendChild(message);
        control.setAttribute("aria-invalid", "true");
      }
      row.appendChild(field);
    });
    if (rowErrors && Object.keys(rowErrors).length) {
      row.className += " change-row--error";
    }
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "button button--small button--ghost";
    remove.textContent = labels.remove;
    remove.addEventListener("click", function () {
      row.parentNode.removeChild(row);
      renumber();
    });
    row.appendChild(remove);
    rows.appendChild(row);
    renumber();
    return row;
  }

  function collect() {
    return Array.prototype.map.call(rows.children, function (row) {
      var change = { action: row.getAttribute("data-action") };
      row.querySelectorAll("[data-field]").forEach(function (control) {
        var name = control.getAttribute("data-field");
        var raw = control.value.trim();
        var value = raw;
        if ((INTEGER[name] || NUMBER[name]) && raw !== "" && !isNaN(Number(raw))) {
          value = Number(raw);
        }
        change[name] = value;
      });
      return change;
    });
  }

  var readable = initial.every(function (change) {
    return change && FIELDS[change.action];
  });
  if (!readable) {
    return; // an unknown action: the textarea shows it as it is, with the server's message
  }
  initial.forEach(function (change, index) {
    addRow(change, errors[index]);
  });
  document.querySelectorAll("[data-add-change]").forEach(function (button) {
    button.addEventListener("click", function () {
      var row = addRow(defaults(button.getAttribute("data-add-change")));
      var first = row.querySelector("[data-field]");
      if (first) {
        first.focus();
      }
    });
  });
  form.addEventListener("submit", function () {
    textarea.value = JSON.stringify(collect());
  });
  document.getElementById("change-builder").hidden = false;
  document.getElementById("changes-json-field").hidden = true;
})();
