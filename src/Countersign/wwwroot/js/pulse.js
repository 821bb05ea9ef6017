// The campaign's count and latest signers, kept current while the page is open: every so often, while the
// tab is in view, the figures are fetched again (rendered by the server, in the page's language) and put in
// place of the old ones. Quietly: no live region, as a count read aloud every half minute would drown the form.
// Without scripts, or when a fetch fails, the page keeps the figures it was served with.
// Its settings are on its own script element (a module has no document.currentScript).
const settings = document.querySelector("script[data-pulse]")?.dataset;
const pulse = document.querySelector(".pulse");
if (settings && pulse) {
  const address = settings.pulse;
  const every = Number(settings.pulseSeconds) * 1000;
  let timer;

  const refresh = async () => {
    try {
      const response = await fetch(address, { credentials: "omit", headers: { Accept: "text/html" } });
      if (response.ok) {
        const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
        pulse.replaceChildren(...fresh.body.childNodes);
      }
    } catch {
      // Offline or the server busy: try again next time.
    }
  };

  const schedule = () => {
    clearInterval(timer);
    if (document.visibilityState === "visible") {
      timer = setInterval(refresh, every);
    }
  };

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      refresh();
    }
    schedule();
  });
  schedule();
}
