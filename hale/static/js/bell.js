// Hale notification bell: live unread count over a WebSocket, polling when the socket fails.
// Markup: hale/templates/notifications/bell.html. No inline scripts or handlers (strict CSP).
//
// The page's one socket is shared: every event it receives is also dispatched on document as
// "hale:socket" (detail: the event), its state as "hale:socket-state" (detail: {open}), and a
// "hale:socket-send" event sends its detail as JSON while the socket is open (messaging uses
// these for live messages and "typing…"). window.haleSocketOpen says whether it is open now.

const POLL_MS = 30_000;
const MAX_BACKOFF_MS = 60_000;
// Close codes the server uses for "never going to work": stop retrying the socket.
const FATAL_CLOSE_CODES = new Set([4401, 4403, 4404]);

function labelFor(bell, count) {
  let category = "other";
  try {
    category = new Intl.PluralRules(document.documentElement.lang || undefined).select(count);
  } catch {
    // An unknown language tag: "other" is right for most counts.
  }
  const pattern = (category === "one" && bell.dataset.labelOne) || bell.dataset.labelOther || "";
  return pattern.replace("{count}", String(count));
}

function createBell(bell) {
  const badge = bell.querySelector("[data-bell-badge]");
  const live = document.getElementById("notification-live");

  function setCount(count) {
    if (!Number.isInteger(count) || count < 0) return;
    bell.dataset.unreadCount = String(count);
    bell.classList.toggle("bell--unread", count > 0);
    if (badge) {
      badge.textContent = count > 99 ? "99+" : String(count);
      badge.hidden = count === 0;
    }
    const label = labelFor(bell, count);
    if (label) bell.setAttribute("aria-label", label);
  }

  function announce(title) {
    if (!live || !title) return;
    const pattern = bell.dataset.announce || "{title}";
    // Clear first so the same text twice is still announced.
    live.textContent = "";
    window.setTimeout(() => {
      live.textContent = pattern.replace("{title}", title);
    }, 100);
  }

  return { setCount, announce };
}

function startPolling(bell, ui) {
  let timer = null;
  let stopped = false;

  async function poll() {
    if (stopped || document.hidden || !bell.dataset.countUrl) return;
    try {
      const response = await fetch(bell.dataset.countUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        cache: "no-store",
      });
      if (response.status === 401 || response.status === 403) {
        stop();
        return;
      }
      if (!response.ok) return;
      const data = await response.json();
      ui.setCount(data.unread);
    } catch {
      // Offline for a moment: the next tick tries again.
    }
  }

  function start() {
    if (timer !== null || stopped) return;
    poll();
    timer = window.setInterval(poll, POLL_MS);
  }

  function stop() {
    if (timer !== null) window.clearInterval(timer);
    timer = null;
  }

  function halt() {
    stopped = true;
    stop();
  }

  // Coming back to the tab: refresh at once, socket or not (events raised by a background
  // worker reach the socket only with a shared channel layer such as Redis).
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && !stopped) poll();
  });
  return { start, stop, halt, halted: () => stopped };
}

function connect(bell, ui, polling) {
  if (!("WebSocket" in window) || !bell.dataset.socketPath) {
    polling.start();
    window.haleSocketOpen = false;
    document.dispatchEvent(new CustomEvent("hale:socket-state", { detail: { open: false } }));
    return;
  }
  let attempt = 0;
  let current = null;

  function setState(open) {
    window.haleSocketOpen = open;
    bell.dataset.socket = open ? "open" : "closed";
    document.dispatchEvent(new CustomEvent("hale:socket-state", { detail: { open } }));
  }

  document.addEventListener("hale:socket-send", (event) => {
    if (current && current.readyState === WebSocket.OPEN) {
      current.send(JSON.stringify(event.detail));
    }
  });

  function open() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    let socket;
    try {
      socket = new WebSocket(`${scheme}//${location.host}${bell.dataset.socketPath}`);
    } catch {
      polling.start();
      setState(false);
      return;
    }
    socket.addEventListener("open", () => {
      attempt = 0;
      polling.stop();
      current = socket;
      setState(true);
    });
    socket.addEventListener("message", (event) => {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      if (typeof data.unread === "number") ui.setCount(data.unread);
      if (data.type === "notification.created") announce(data);
      document.dispatchEvent(new CustomEvent("hale:socket", { detail: data }));
    });
    socket.addEventListener("close", (event) => {
      if (current === socket) current = null;
      setState(false);
      if (FATAL_CLOSE_CODES.has(event.code)) {
        polling.halt();
        return;
      }
      // Signed out meanwhile (the poll got a 401): nothing left to do.
      if (polling.halted()) return;
      // Poll while the socket is away; reconnect with exponential back-off and jitter.
      polling.start();
      attempt += 1;
      const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(attempt, 10));
      window.setTimeout(open, base / 2 + Math.random() * (base / 2));
    });
  }

  function announce(data) {
    ui.announce(data.title);
    document.dispatchEvent(new CustomEvent("hale:notification", { detail: data }));
  }

  open();
}

// After htmx marks a notification read, the server sends the new count in HX-Trigger.
function listenToHtmx(ui) {
  document.body.addEventListener("hale:unread", (event) => {
    ui.setCount(event.detail?.count);
  });
  // Keep keyboard focus on the notification whose "Mark as read" button just went away.
  document.body.addEventListener("htmx:afterSettle", () => {
    const target = document.querySelector("[data-focus-after-swap]");
    if (target) {
      target.removeAttribute("data-focus-after-swap");
      target.focus();
    }
  });
}

function init() {
  const bell = document.getElementById("notification-bell");
  if (!bell || bell.dataset.bellReady) return;
  bell.dataset.bellReady = "1";
  const ui = createBell(bell);
  const polling = startPolling(bell, ui);
  listenToHtmx(ui);
  connect(bell, ui, polling);
}

init();
