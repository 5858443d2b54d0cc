// The console's editor page: code editor, Validate, Save draft and the "Try it" simulator.
(function () {
  "use strict";
  var P = "/admin";
  var csrf = document.body.getAttribute("data-csrf") || "";
  var source = document.getElementById("source");
  if (!source) { return; }
  var fileInput = document.getElementById("file");
  var baseInput = document.getElementById("base");
  var problemsList = document.getElementById("problems");
  var gutter = document.getElementById("gutter");
  var cm = null;
  var marked = [];

  function post(path, body) {
    return fetch(P + path, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRF-Token": csrf },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().catch(function () { return { error: "HTTP " + r.status }; })
        .then(function (data) { if (!r.ok && !data.error) { data.error = "HTTP " + r.status; } return data; });
    });
  }

  // -- editor (CodeMirror 5 when served, else a textarea with a line-number gutter) ------
  if (window.CodeMirror) {
    gutter.parentNode.removeChild(gutter);
    gutter = null;
    cm = window.CodeMirror.fromTextArea(source, {
      mode: "yaml", lineNumbers: true, indentUnit: 2, tabSize: 2, indentWithTabs: false,
      extraKeys: { Tab: function (c) { c.replaceSelection("  "); } }
    });
    cm.setSize(null, "100%");
  } else {
    var drawGutter = function () {
      var n = source.value.split("\n").length;
      var html = [];
      for (var i = 1; i <= n; i++) { html.push("<div data-n=\"" + i + "\">" + i + "</div>"); }
      gutter.innerHTML = html.join("");
      gutter.scrollTop = source.scrollTop;
    };
    source.addEventListener("input", drawGutter);
    source.addEventListener("scroll", function () { gutter.scrollTop = source.scrollTop; });
    drawGutter();
  }
  function text() { return cm ? cm.getValue() : source.value; }
  function setText(value) { if (cm) { cm.setValue(value); } else { source.value = value; source.dispatchEvent(new Event("input")); } }
  window.consoleEditor = { get: text, set: setText };

  function clearMarks() {
    marked.forEach(function (m) {
      if (cm) { cm.removeLineClass(m.line, "wrap", m.cls); cm.removeLineClass(m.line, "gutter", m.cls); }
    });
    marked = [];
    if (gutter) { Array.prototype.forEach.call(gutter.children, function (d) { d.className = ""; }); }
  }
  function markLine(line, severity) {
    var cls = severity === "error" ? "line-error" : "line-warning";
    if (cm) {
      cm.addLineClass(line - 1, "wrap", cls); cm.addLineClass(line - 1, "gutter", cls);
      marked.push({ line: line - 1, cls: cls });
    } else if (gutter && gutter.children[line - 1]) {
      gutter.children[line - 1].className = severity === "error" ? "bad" : "warnline";
    }
  }
  function goTo(line) {
    if (cm) { cm.focus(); cm.setCursor({ line: line - 1, ch: 0 }); cm.scrollIntoView({ line: line - 1, ch: 0 }, 80); return; }
    var lines = source.value.split("\n");
    var pos = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) { pos += lines[i].length + 1; }
    source.focus(); source.setSelectionRange(pos, pos);
    source.scrollTop = Math.max(0, (line - 5) * 20);
  }
  var ownFile = fileInput ? "dialogs/" + fileInput.value : "clip";
  function showProblems(data) {
    clearMarks();
    problemsList.textContent = "";
    var problems = (data && data.problems) || [];
    if (data && data.error) { problems = [{ severity: "error", text: data.error, line: 0, file: "" }]; }
    problems.forEach(function (p) {
      var li = document.createElement("li");
      li.className = p.severity;
      li.textContent = p.text;
      if (p.file === ownFile && p.line) {
        markLine(p.line, p.severity);
        li.addEventListener("click", function () { goTo(p.line); });
      }
      problemsList.appendChild(li);
    });
    if (data && data.stories) {
      (data.stories.failures || []).forEach(function (s) {
        var li = document.createElement("li"); li.className = "error"; li.textContent = "story: " + s;
        problemsList.appendChild(li);
      });
    }
    if (data && data.ok && !problems.length) {
      var ok = document.createElement("li"); ok.className = "ok"; ok.textContent = "Valid: no problems found.";
      problemsList.appendChild(ok);
    } else if (data && data.ok) {
      var okw = document.createElement("li"); okw.className = "ok"; okw.textContent = "Valid (warnings only).";
      problemsList.insertBefore(okw, problemsList.firstChild);
    }
  }
  // Problems rendered by the server (a refused publish) get the same line marks.
  Array.prototype.forEach.call(problemsList.querySelectorAll("li[data-line]"), function (li) {
    var line = parseInt(li.getAttribute("data-line"), 10);
    if (li.getAttribute("data-file") === ownFile && line) {
      markLine(line, li.className === "warning" ? "warning" : "error");
      li.addEventListener("click", function () { goTo(line); });
    }
  });

  var form = source.form;
  if (form) { form.addEventListener("submit", function () { if (cm) { cm.save(); } }); }
  if (!fileInput) { return; }

  document.getElementById("validate").addEventListener("click", function () {
    post("/flows/validate", { file: fileInput.value, text: text() }).then(showProblems);
  });
  document.getElementById("save-draft").addEventListener("click", function () {
    post("/flows/draft", { file: fileInput.value, text: text(), base_version: parseInt(baseInput.value, 10) })
      .then(function (data) {
        problemsList.textContent = "";
        var li = document.createElement("li");
        li.className = data.saved ? "ok" : "error";
        li.textContent = data.saved ? "Draft saved (not published)." : (data.error || "not saved");
        problemsList.appendChild(li);
      });
  });

  // -- simulator -------------------------------------------------------------------------
  var log = document.getElementById("sim-log");
  var simId = null;
  function bubble(cls, body) {
    var div = document.createElement("div");
    div.className = "msg " + cls;
    div.textContent = body;
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
    return div;
  }
  function render(messages) {
    (messages || []).forEach(function (m) {
      var div;
      if (m.kind === "note") { bubble("note", m.text); return; }
      if (m.kind === "clip") { div = bubble("bot clip", "▶ clip " + m.clip + ": " + m.title + (m.text ? "\n" + m.text : "")); }
      else { div = bubble("bot", m.text); }
      if (m.buttons && m.buttons.length) {
        var kb = document.createElement("div"); kb.className = "kb";
        m.buttons.forEach(function (row) {
          var r = document.createElement("div"); r.className = "kbrow";
          row.forEach(function (b) {
            var btn = document.createElement("button");
            btn.type = "button"; btn.textContent = b.label;
            btn.addEventListener("click", function () { bubble("me", "[" + b.label + "]"); send("button", b.data); });
            r.appendChild(btn);
          });
          kb.appendChild(r);
        });
        div.appendChild(kb);
      }
    });
  }
  function send(kind, value) {
    if (!simId) { bubble("note", "Press Start first."); return; }
    post("/flows/simulate", { sim: simId, kind: kind, value: value }).then(function (data) {
      if (data.error) { bubble("note", data.error); return; }
      render(data.messages);
    });
  }
  document.getElementById("sim-start").addEventListener("click", function () {
    log.textContent = "";
    var language = document.getElementById("sim-language").value;
    post("/flows/simulate", { action: "start", file: fileInput.value, text: text(), language: language })
      .then(function (data) {
        if (data.error) { bubble("note", data.error); return; }
        if (!data.started) { bubble("note", "The draft has errors; fix them to try it."); showProblems(data); return; }
        simId = data.sim;
        bubble("note", "New conversation on the draft (" + data.version + "), language " + language);
        bubble("me", "/start");
        render(data.messages);
        document.getElementById("sim-start").textContent = "Restart";
      });
  });
  document.getElementById("sim-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var input = document.getElementById("sim-input");
    var value = input.value.trim();
    if (!value) { return; }
    input.value = "";
    bubble("me", value);
    send("text", value);
  });
}());
