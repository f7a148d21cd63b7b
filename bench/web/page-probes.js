// Installed in every page before the page's own scripts (a Playwright init script). It notes, in milliseconds from
// the navigation's start (performance.now()), when what a benchmark waits for first appears in the DOM and when the
// frame after it was painted, so a figure does not include the driver's round trips. The cases read
// window.__bench.marks and call the helpers below.
(() => {
  const marks = {};
  const watched = {
    heading: () => [...document.querySelectorAll("h1")].some((h) => h.textContent.trim() === "Overview"),
    homeContent: () => document.querySelector('[role="list"][aria-labelledby="today-title"]') !== null,
    firstStream: () => document.querySelector('[role="list"][aria-label="Streams"] [role="listitem"]') !== null,
    lineageNode: () => document.querySelector(".react-flow__node") !== null,
    lineageFocus: () => document.querySelector(".react-flow__node.lineage-focus") !== null,
  };
  // After the DOM change, the next animation frame runs before the paint and a task queued from it runs after.
  const painted = (then) => requestAnimationFrame(() => setTimeout(() => then(performance.now()), 0));
  const check = () => {
    for (const [name, test] of Object.entries(watched)) {
      if (marks[name] === undefined && test()) {
        marks[name] = performance.now();
        painted((t) => (marks[name + "Painted"] = t));
      }
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ["class"] });

  /** Resolves with the time the predicate first held (checked on every DOM change and every frame), or rejects after timeoutMs. */
  const until = (predicate, timeoutMs) => new Promise((resolve, reject) => {
    if (predicate()) { resolve(performance.now()); return; }
    let done = false;
    const finish = (ok, value) => { if (done) return; done = true; watch.disconnect(); clearTimeout(timer); ok ? resolve(value) : reject(value); };
    const test = () => { if (!done && predicate()) finish(true, performance.now()); };
    const watch = new MutationObserver(test);
    watch.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
    const frame = () => { test(); if (!done) requestAnimationFrame(frame); };
    requestAnimationFrame(frame);
    const timer = setTimeout(() => finish(false, new Error("timed out after " + timeoutMs + " ms")), timeoutMs);
  });

  /** Navigation Timing, resource timing sums, and the marks. */
  const timing = () => {
    const nav = performance.getEntriesByType("navigation")[0];
    const res = performance.getEntriesByType("resource");
    const sum = (key) => nav[key] + res.reduce((s, r) => s + r[key], 0);
    return {
      marks: { ...marks },
      responseEnd: nav.responseEnd,
      domContentLoaded: nav.domContentLoadedEventEnd,
      loadEventEnd: nav.loadEventEnd,
      lastResponseEnd: Math.max(nav.responseEnd, ...res.map((r) => r.responseEnd)),
      transferBytes: sum("transferSize"),
      bodyBytes: sum("decodedBodySize"),
      requests: 1 + res.length,
      resources: res.map((r) => ({ name: r.name, type: r.initiatorType, start: r.startTime, end: r.responseEnd, transfer: r.transferSize })),
    };
  };

  window.__bench = { marks, until, timing, stop: () => observer.disconnect() };
})();
