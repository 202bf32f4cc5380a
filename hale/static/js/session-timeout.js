// Hale: warn before the session ends for inactivity (markup:
// hale/templates/accounts/account/_session_timeout.html). Two minutes before the idle timeout a
// modal dialog offers "Stay signed in" (a POST that counts as activity) and "Sign out"; when the
// time is up the page goes to the sign-in page. Before warning or leaving it asks the server
// how much time is really left (a background GET that is not activity), so activity in another
// tab keeps this one signed in too. No inline scripts or handlers (strict CSP).

const MAX_TIMER_MS = 2 ** 31 - 1;

function format(pattern, values) {
  return pattern.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ""));
}

function start(dialog) {
  const data = dialog.dataset;
  const warningMs = Number(data.warningSeconds) * 1000;
  const countdown = dialog.querySelector("[data-session-countdown]");
  const live = dialog.querySelector("[data-session-live]");
  const stay = dialog.querySelector("[data-session-stay]");
  const LEAVE_GRACE_MS = 2000;
  let deadline = Date.now() + Number(data.remainingSeconds) * 1000;
  let timer = null;
  let ticker = null;
  let lastAnnounced = null;

  function signInPage() {
    const next = location.pathname + location.search;
    return `${data.loginUrl}?${new URLSearchParams({ next, signed_out: "idle" })}`;
  }

  function leave() {
    window.clearTimeout(timer);
    window.clearInterval(ticker);
    location.assign(signInPage());
  }

  function message(seconds) {
    const minutes = Math.floor(seconds / 60);
    if (minutes > 0) {
      return format(data.countdownMinutes, { minutes, seconds: seconds % 60 });
    }
    return format(data.countdownSeconds, { seconds });
  }

  function tick() {
    const seconds = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    const text = message(seconds);
    countdown.textContent = text;
    // Screen readers hear the warning when it opens and at a few milestones, not every second.
    const milestone = [60, 30, 10].find((m) => seconds <= m);
    if (live && (lastAnnounced === null || (milestone && milestone < lastAnnounced))) {
      lastAnnounced = milestone ?? seconds;
      live.textContent = text;
    }
    // A little after the deadline, so the server (whose clock decides) already sees the
    // session as idle and says so on the sign-in page.
    if (Date.now() >= deadline + LEAVE_GRACE_MS) leave();
  }

  function schedule(ms, fn) {
    window.clearTimeout(timer);
    timer = window.setTimeout(fn, Math.min(Math.max(ms, 0), MAX_TIMER_MS));
  }

  function arm() {
    schedule(deadline - Date.now() - warningMs, check);
  }

  function close() {
    window.clearInterval(ticker);
    ticker = null;
    lastAnnounced = null;
    if (live) live.textContent = "";
    if (dialog.open) dialog.close();
  }

  function warn() {
    if (!dialog.open) {
      dialog.showModal();
      stay.focus();
    }
    tick();
    if (ticker === null) ticker = window.setInterval(tick, 1000);
    schedule(deadline - Date.now(), expire);
  }

  // Without ``init``: a background GET that does not count as activity.
  async function ask(url, init) {
    const response = await fetch(url, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json", "X-Hale-Background": "1" },
      ...init,
    });
    if (response.status === 401) return null;
    if (!response.ok) throw new Error(String(response.status));
    const body = await response.json();
    return body.signed_in ? Number(body.remaining) : null;
  }

  // Before warning: maybe another tab kept the session alive.
  async function check() {
    let remaining;
    try {
      remaining = await ask(data.statusUrl);
    } catch {
      warn();
      return;
    }
    if (remaining === null) {
      leave();
      return;
    }
    deadline = Date.now() + remaining * 1000;
    if (remaining * 1000 > warningMs) {
      close();
      arm();
    } else {
      warn();
    }
  }

  async function expire() {
    try {
      const remaining = await ask(data.statusUrl);
      if (remaining !== null && remaining > 0) {
        deadline = Date.now() + remaining * 1000;
        if (remaining * 1000 > warningMs) {
          close();
          arm();
        } else {
          warn();
        }
        return;
      }
    } catch {
      // Offline: leave anyway, the server has ended the session.
    }
    leave();
  }

  stay.addEventListener("click", async () => {
    try {
      const remaining = await ask(data.keepaliveUrl, {
        method: "POST",
        headers: {
          Accept: "application/json",
          "X-CSRFToken": data.csrfToken,
        },
      });
      if (remaining === null) {
        leave();
        return;
      }
      deadline = Date.now() + remaining * 1000;
      close();
      arm();
    } catch {
      // Keep the dialog open; the countdown carries on.
    }
  });

  // Escape must not silently dismiss the warning while the clock keeps running: treat it as
  // "Stay signed in", the choice that keeps the person where they are.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    stay.click();
  });

  // A tab that slept (laptop lid closed) re-checks when it is shown again.
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && Date.now() >= deadline - warningMs) check();
  });

  arm();
}

const dialog = document.getElementById("session-timeout");
if (dialog && typeof dialog.showModal === "function") start(dialog);
