// Hale: small progressive enhancements shared by every portal. No inline scripts (strict CSP).

const TZ_COOKIE = "hale_tz";

// Tell the server the browser's time zone so times render in it before the user saves one.
function rememberTimeZone() {
  let zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return;
  }
  if (!zone) return;
  const current = document.cookie.split("; ").find((c) => c.startsWith(`${TZ_COOKIE}=`));
  const value = encodeURIComponent(zone);
  if (current === `${TZ_COOKIE}=${value}`) return;
  const secure = location.protocol === "https:" ? "; Secure" : "";
  document.cookie = `${TZ_COOKIE}=${value}; Path=/; Max-Age=31536000; SameSite=Lax${secure}`;
  // First visit: reload once so server-rendered times use the zone.
  if (!current && !sessionStorage.getItem("hale-tz-reloaded")) {
    sessionStorage.setItem("hale-tz-reloaded", "1");
    location.reload();
  }
}

// Forms with data-confirm ask before submitting (e.g. destructive actions).
function confirmations() {
  document.addEventListener("submit", (event) => {
    const message = event.target.dataset?.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });
}

rememberTimeZone();
confirmations();

// [data-tabs]: sections that work as plain headings without JS become ARIA tabs. The tab list
// (hidden until here) holds links to each panel; the server marks the first shown panel with
// data-tab-selected (e.g. ?tab=past), and the choice is kept in the URL.
function tabs() {
  for (const root of document.querySelectorAll("[data-tabs]")) {
    const list = root.querySelector("[role=tablist]");
    const panels = [...root.querySelectorAll("[role=tabpanel]")];
    const tabsOf = [...list.querySelectorAll("[role=tab]")];
    if (!list || panels.length !== tabsOf.length) continue;
    const select = (index, focus) => {
      tabsOf.forEach((tab, i) => {
        const on = i === index;
        tab.setAttribute("aria-selected", String(on));
        tab.tabIndex = on ? 0 : -1;
        panels[i].hidden = !on;
      });
      if (focus) tabsOf[index].focus();
      const url = new URL(location.href);
      url.searchParams.set("tab", tabsOf[index].dataset.tab);
      history.replaceState(null, "", url);
    };
    tabsOf.forEach((tab, i) => {
      tab.addEventListener("click", (event) => {
        event.preventDefault();
        select(i, false);
      });
      tab.addEventListener("keydown", (event) => {
        const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
        if (step === undefined) return;
        event.preventDefault();
        select((i + step + tabsOf.length) % tabsOf.length, true);
      });
    });
    list.hidden = false;
    const first = Math.max(0, panels.findIndex((p) => p.hasAttribute("data-tab-selected")));
    tabsOf.forEach((tab, i) => {
      tab.setAttribute("aria-selected", String(i === first));
      tab.tabIndex = i === first ? 0 : -1;
      panels[i].hidden = i !== first;
    });
  }
}
tabs();
