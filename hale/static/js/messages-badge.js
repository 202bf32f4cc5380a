// Hale: the unread-messages badge beside "Messages" in the header. The count comes over the
// page's shared socket (see bell.js: "hale:socket" events) and, while the socket is away,
// from polling the link's data-unread-url. No inline scripts (strict CSP).

const POLL_MS = 30_000;

function init() {
  const link = document.querySelector("[data-messages-link]");
  const badge = link?.querySelector("[data-messages-badge]");
  if (!link || !badge || link.dataset.badgeReady) return;
  link.dataset.badgeReady = "1";
  let timer = null;

  function setCount(count) {
    if (!Number.isInteger(count) || count < 0) return;
    badge.textContent = count > 99 ? "99+" : String(count);
    badge.hidden = count === 0;
    link.dataset.unread = String(count);
  }

  async function poll() {
    if (document.hidden || !link.dataset.unreadUrl) return;
    try {
      const response = await fetch(link.dataset.unreadUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        cache: "no-store",
      });
      if (!response.ok) return;
      const data = await response.json();
      setCount(data.messages_unread);
    } catch {
      // Offline for a moment: the next tick tries again.
    }
  }

  function polling(on) {
    if (on && timer === null) {
      poll();
      timer = window.setInterval(poll, POLL_MS);
    } else if (!on && timer !== null) {
      window.clearInterval(timer);
      timer = null;
    }
  }

  document.addEventListener("hale:socket", (event) => {
    const data = event.detail || {};
    if (typeof data.messages_unread === "number") setCount(data.messages_unread);
  });
  document.addEventListener("hale:socket-state", (event) => polling(!event.detail?.open));
  document.addEventListener("hale:messages-unread", (event) => setCount(event.detail?.count));
  // The socket says its count when it opens; without one after a moment, poll.
  window.setTimeout(() => {
    if (!window.haleSocketOpen) polling(true);
  }, 3000);
}

init();
