/* Polls an import job's progress JSON every 2 s; once the job has finished, reloads its page,
   which then shows the errors or the counts. */
(function () {
  "use strict";

  var box = document.getElementById("import-progress");
  if (!box || box.getAttribute("data-finished") === "true") {
    return;
  }
  var url = box.getAttribute("data-progress-url");
  function part(role) {
    return box.querySelector('[data-role="' + role + '"]');
  }

  function render(progress) {
    var status = part("status");
    status.textContent = progress.status_label;
    status.className = "badge badge--" + progress.badge;
    var bar = part("bar");
    bar.style.width = progress.percent + "%";
    bar.parentNode.setAttribute("aria-valuenow", String(progress.percent));
    part("done").textContent = progress.done;
    part("total").textContent = progress.total;
  }

  window.portalPoll(url, render, function () {
    window.location.reload();
  });
})();
