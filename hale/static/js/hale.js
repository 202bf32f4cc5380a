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
