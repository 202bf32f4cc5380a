// Hale secure messaging: a conversation page that updates live.
//
// New messages, deletions, "Seen" and "typing…" arrive over the page's shared socket
// (bell.js dispatches "hale:socket" events); the page then fetches the thread's HTML from
// data-updates-url, so what it shows is always the server's rendering. When the socket is
// away the page polls the same URL and says so. Sending posts the form with fetch; the draft
// is kept in sessionStorage until the server accepted it, so a reload or a dropped
// connection loses nothing. No inline scripts or handlers (strict CSP).

const POLL_MS = 4000;
const TYPING_SHOW_MS = 4000;
const TYPING_SEND_MS = 2000;

function init() {
  const chat = document.querySelector("[data-chat]");
  if (!chat || chat.dataset.chatReady) return;
  chat.dataset.chatReady = "1";
  const conversation = chat.dataset.conversation;
  const list = chat.querySelector("[data-chat-messages]");
  const status = chat.querySelector("[data-chat-status]");
  const typing = chat.querySelector("[data-chat-typing]");
  const closed = chat.querySelector("[data-chat-closed]");
  const form = chat.querySelector("[data-chat-form]");
  const body = form?.querySelector("[data-message-body]");
  const errors = form?.querySelector("[data-chat-errors]");
  const draftKey = `hale:draft:${conversation}`;
  const searching = new URLSearchParams(location.search).has("q");
  let pollTimer = null;
  let typingTimer = null;
  let lastTypingSent = 0;
  let refreshing = false;
  let again = false;

  function scrollToEnd() {
    list.lastElementChild?.scrollIntoView({ block: "end" });
  }

  async function refresh() {
    if (searching) return;
    if (refreshing) {
      again = true;
      return;
    }
    refreshing = true;
    try {
      const read = document.hidden ? "0" : "1";
      const response = await fetch(`${chat.dataset.updatesUrl}?read=${read}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        cache: "no-store",
      });
      if (!response.ok) return;
      const data = await response.json();
      const grew = data.latest && data.latest !== chat.dataset.latest;
      list.innerHTML = data.html;
      if (closed) closed.innerHTML = data.composer;
      if (form) form.hidden = !data.allowed;
      chat.dataset.latest = data.latest || "";
      document.dispatchEvent(
        new CustomEvent("hale:messages-unread", { detail: { count: data.messages_unread } }),
      );
      if (grew) {
        typing.textContent = "";
        scrollToEnd();
      }
    } catch {
      // Offline for a moment: the next tick or event tries again.
    } finally {
      refreshing = false;
      if (again) {
        again = false;
        refresh();
      }
    }
  }

  function setLive(open) {
    if (open) {
      status.hidden = true;
      status.textContent = "";
      if (pollTimer !== null) window.clearInterval(pollTimer);
      pollTimer = null;
      refresh(); // catch up on what happened while away
    } else {
      status.textContent = chat.dataset.offlineLabel;
      status.hidden = false;
      if (pollTimer === null) pollTimer = window.setInterval(refresh, POLL_MS);
    }
  }

  document.addEventListener("hale:socket", (event) => {
    const data = event.detail || {};
    if (data.conversation !== conversation) return;
    if (data.type === "message.typing") {
      typing.textContent = chat.dataset.typingLabel.replace("{name}", data.name || "");
      window.clearTimeout(typingTimer);
      typingTimer = window.setTimeout(() => {
        typing.textContent = "";
      }, TYPING_SHOW_MS);
      return;
    }
    if (["message.created", "message.deleted", "message.read"].includes(data.type)) refresh();
  });
  document.addEventListener("hale:socket-state", (event) => setLive(Boolean(event.detail?.open)));
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) refresh();
  });
  window.setTimeout(() => {
    if (!window.haleSocketOpen) setLive(false);
  }, 3000);

  // Deleting without a reload.
  list.addEventListener("submit", async (event) => {
    const target = event.target;
    if (!target.matches(".msg__delete") || event.defaultPrevented) return;
    event.preventDefault();
    try {
      await fetch(target.action, {
        method: "POST",
        body: new FormData(target),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      });
    } finally {
      refresh();
    }
  });

  if (!form || !body) {
    scrollToEnd();
    return;
  }
  const saved = sessionStorage.getItem(draftKey);
  if (saved && !body.value) body.value = saved;

  body.addEventListener("input", () => {
    sessionStorage.setItem(draftKey, body.value);
    const now = Date.now();
    if (body.value && now - lastTypingSent > TYPING_SEND_MS) {
      lastTypingSent = now;
      document.dispatchEvent(
        new CustomEvent("hale:socket-send", { detail: { type: "message.typing", conversation } }),
      );
    }
  });
  // Enter sends, Shift+Enter starts a new line.
  body.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    errors.textContent = "";
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", Accept: "application/json" },
      });
      let data = {};
      try {
        data = await response.json();
      } catch {
        data = {};
      }
      if (response.ok && data.ok) {
        body.value = "";
        sessionStorage.removeItem(draftKey);
        const files = form.querySelector("input[type=file]");
        if (files) files.value = "";
        await refresh();
      } else {
        errors.textContent = (data.errors || [chat.dataset.sendFailed]).join(" ");
      }
    } catch {
      errors.textContent = chat.dataset.sendFailed;
    } finally {
      button.disabled = false;
      body.focus();
    }
  });
  scrollToEnd();
}

init();
