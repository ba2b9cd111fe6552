/* Polls a progress JSON every 2 s (5 s after a dropped request: server restart, network blip) and hands
   each answer to `render` until it says finished, then calls `onFinish`: metric runs and imports. */
window.portalPoll = function (url, render, onFinish) {
  "use strict";

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (progress) {
        render(progress);
        if (progress.finished) {
          onFinish(progress);
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 2000);
};
