// Keeps the page alive when a WebAssembly chunk does not arrive. Every page's code is
// a chunk fetched from /pkg/; a failed fetch there would stop the app for good, so:
// - a network failure is retried with growing pauses (and when the phone is back
//   online), and after three tries the page says so in words, still retrying;
// - a 404 means the tab outlived a release (the server only has the new names):
//   load the page the person was opening (the last link they followed) from the
//   server, whole and current; if that already happened a minute ago, say so.
(() => {
  let intent = null;
  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (link && link.origin === location.origin) intent = { href: link.href, at: Date.now() };
  }, true);
  const fetchOnce = window.fetch.bind(window);
  const isChunk = (input) => {
    try {
      const url = new URL(input instanceof Request ? input.url : String(input), location.href);
      return url.origin === location.origin && url.pathname.startsWith("/pkg/") && url.pathname.endsWith(".wasm");
    } catch (_) {
      return false;
    }
  };
  const pause = (ms) => new Promise((resume) => {
    const again = () => { window.removeEventListener("online", again); resume(); };
    setTimeout(again, ms);
    window.addEventListener("online", again);
  });
  let alert = null;
  const say = (text) => {
    if (!alert) {
      alert = document.createElement("div");
      alert.className = "chunk-alert";
      alert.setAttribute("role", "alert");
      const words = document.createElement("p");
      const reload = document.createElement("button");
      reload.type = "button";
      reload.textContent = "Reload";
      reload.addEventListener("click", () => location.reload());
      alert.append(words, reload);
      document.body.append(alert);
    }
    alert.firstChild.textContent = text;
  };
  const clear = () => { if (alert) { alert.remove(); alert = null; } };
  const stale = () => {
    const key = "pipewright-release-reload";
    const last = Number(sessionStorage.getItem(key) || 0);
    if (Date.now() - last > 60000) {
      sessionStorage.setItem(key, String(Date.now()));
      const recent = intent && Date.now() - intent.at < 30000;
      location.assign(recent ? intent.href : location.href);
    } else {
      say("Pipewright was updated and this page could not load the new version. Reload to continue.");
    }
    return new Promise(() => {});
  };
  window.fetch = async (input, init) => {
    if (!isChunk(input)) return fetchOnce(input, init);
    for (let attempt = 1; ; attempt += 1) {
      try {
        const response = await fetchOnce(input, init);
        if (response.status === 404) return stale();
        if (response.ok) { clear(); return response; }
      } catch (_) {
        // offline or a dropped connection: try again below
      }
      if (attempt >= 3) {
        say("Part of this page could not be downloaded. Check the connection; Pipewright keeps trying.");
      }
      await pause(Math.min(30000, 500 * 2 ** attempt));
    }
  };
})();
