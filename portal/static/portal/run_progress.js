/* Polls a metric run's progress JSON every 2 s and updates the run page until it finishes. */
(function () {
  "use strict";

  var box = document.getElementById("run-progress");
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
    status.className = "badge badge--" + progress.status;
    var bar = part("bar");
    bar.style.width = progress.percent + "%";
    bar.parentNode.setAttribute("aria-valuenow", String(progress.percent));
    if (progress.status === "failed") {
      bar.classList.add("progress__bar--failed");
    } else if (progress.status === "succeeded") {
      bar.classList.add("progress__bar--achieved");
    }
    part("done").textContent = progress.done;
    part("total").textContent = progress.total;
    if (progress.error) {
      part("error").textContent = progress.error;
      part("error-box").hidden = false;
    }
    part("finished-note").hidden = !progress.finished;
    // Timings sit in the details card below the progress box.
    document.querySelector('[data-role="started-at"]').textContent = progress.started_at || "—";
    document.querySelector('[data-role="finished-at"]').textContent = progress.finished_at || "—";
    part("done-links").hidden = progress.status !== "succeeded";
  }

  window.portalPoll(url, render, function () {
    box.setAttribute("data-finished", "true");
  });
})();
