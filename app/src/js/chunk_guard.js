// Keeps the page alive when a WebAssembly chunk does not arrive. Every page's code is
// a chunk fetched from /pkg/; a failed fetch there would stop the app for good, so:
// - a network failure is retried with growing pauses (and when the phone is back
//   online), and after three tries the page says so in words, still retrying;
// - a 404 means the tab outlived a release (the server only has the new names):
//   load the page the person was opening (the last link they followed) from the
//   server, whole and current; if that already happened a minute ago, say so.
// It also answers chunk fetches from the page's pack: the opened page's chunks in one
// file (scripts/pack-chunks.mjs), named by the server in a meta tag.
(() => {
  let intent = null;
  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (link && link.origin === location.origin) intent = { href: link.href, at: Date.now() };
  }, true);
  const fetchOnce = window.fetch.bind(window);
  const chunkUrl = (input) => {
    try {
      const url = new URL(input instanceof Request ? input.url : String(input), location.href);
      const chunk = url.origin === location.origin && url.pathname.startsWith("/pkg/") && url.pathname.endsWith(".wasm");
      return chunk ? url : null;
    } catch (_) {
      return null;
    }
  };
  // A pack is read as it streams in: its first line lists the files and their lengths,
  // and each file is handed out as soon as its last byte has arrived, so the loader
  // instantiates the first chunks while the rest are still on the way.
  // A pack that sends nothing for this long is given up: its chunks are then fetched
  // one by one, with the retries and the words below.
  const PACK_STALL_MS = 10000;
  const openPack = (href) => new Promise((listed, failed) => {
    // The files in pack order; `listed` hands out a map of the same entries by name,
    // from which each is taken once (so the map cannot be used to settle them).
    const entries = [];
    const stop = new AbortController();
    let stall = 0;
    const watch = () => {
      clearTimeout(stall);
      stall = setTimeout(() => stop.abort(new Error("pack: stalled")), PACK_STALL_MS);
    };
    (async () => {
      watch();
      const response = await fetchOnce(href, { signal: stop.signal });
      if (!response.ok || !response.body) throw new Error(`pack: HTTP ${response.status}`);
      const reader = response.body.getReader();
      let bytes = new Uint8Array(65536);
      let length = 0;
      let next = 0;
      let start = -1;
      for (;;) {
        watch();
        const { done, value } = await reader.read();
        if (done) break;
        if (length + value.length > bytes.length) {
          const larger = new Uint8Array(Math.max(2 * bytes.length, length + value.length));
          larger.set(bytes.subarray(0, length));
          bytes = larger;
        }
        bytes.set(value, length);
        length += value.length;
        if (start < 0) {
          const newline = bytes.subarray(0, length).indexOf(10);
          if (newline < 0) continue;
          for (const [name, size] of JSON.parse(new TextDecoder().decode(bytes.subarray(0, newline)))) {
            const entry = { name, size };
            entry.body = new Promise((resolve, reject) => Object.assign(entry, { resolve, reject }));
            entry.body.catch(() => {});
            entries.push(entry);
          }
          start = newline + 1;
          // The pack's length is known now: one buffer of that size, never regrown.
          const whole = new Uint8Array(entries.reduce((sum, entry) => sum + entry.size, start));
          whole.set(bytes.subarray(0, Math.min(length, whole.length)));
          bytes = whole;
          listed(new Map(entries.map((entry) => [entry.name, entry])));
        }
        while (next < entries.length && start + entries[next].size <= length) {
          const entry = entries[next];
          // A view, not a copy: the Response made from it copies the bytes it needs.
          const body = bytes.subarray(start, start + entry.size);
          // Compiled now, while the rest is still arriving and the CPU waits for it:
          // 0.1-0.2 s sooner usable on a slow phone (bench/README.md).
          entry.module = WebAssembly.compile(body).catch(() => null);
          entry.resolve(body);
          start += entry.size;
          next += 1;
        }
      }
      if (start < 0 || next < entries.length) throw new Error("pack: cut short");
    })().catch((error) => {
      failed(error);
      for (const entry of entries) entry.reject(error);
    }).finally(() => clearTimeout(stall));
  });
  // The page's pack is named in a meta tag just above this script; its download starts
  // now, beside the main module's.
  const packs = [...document.querySelectorAll('meta[name="pipewright-pack"]')].map((meta) => {
    const pack = openPack(meta.content);
    pack.catch(() => {});
    return pack;
  });
  // Chunks answered from a pack were compiled as they arrived: the loader's
  // instantiateStreaming then takes the compiled module instead of the bytes.
  const compiled = new WeakMap();
  const instantiateStreaming = WebAssembly.instantiateStreaming.bind(WebAssembly);
  WebAssembly.instantiateStreaming = async (source, imports) => {
    const response = await source;
    const module = await compiled.get(response);
    if (!module) return instantiateStreaming(response, imports);
    return { module, instance: await WebAssembly.instantiate(module, imports) };
  };
  const fromPack = async (url) => {
    const name = url.pathname.slice(url.pathname.lastIndexOf("/") + 1);
    if (!/^(chunk|split)_/.test(name)) return null;
    for (const pack of packs) {
      const files = await pack.catch(() => null);
      const file = files && files.get(name);
      if (!file) continue;
      files.delete(name);
      const body = await file.body.catch(() => null);
      if (!body) return null;
      const response = new Response(body, { headers: { "Content-Type": "application/wasm" } });
      compiled.set(response, file.module);
      return response;
    }
    return null;
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
    const url = chunkUrl(input);
    if (!url) return fetchOnce(input, init);
    const packed = await fromPack(url);
    if (packed) return packed;
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
