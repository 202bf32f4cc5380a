// The countdown of a time held while the patient pays (payments/patient/pay.html). Without
// this script the page still says until when the time is held.
const banner = document.querySelector("[data-hold-countdown]");
if (banner) {
  const expires = Date.parse(banner.dataset.expires);
  const out = banner.querySelector("[data-hold-remaining]");
  const lang = document.documentElement.lang || undefined;
  const tick = () => {
    const left = Math.max(0, Math.round((expires - Date.now()) / 1000));
    const minutes = Math.floor(left / 60);
    const seconds = String(left % 60).padStart(2, "0");
    out.textContent = `(${minutes}:${seconds})`;
    out.setAttribute("aria-label", new Intl.RelativeTimeFormat(lang).format(left, "second"));
    if (left === 0) {
      clearInterval(timer);
      // The server says what happened (released, or paid in the last seconds).
      setTimeout(() => window.location.reload(), 1500);
    }
  };
  const timer = setInterval(tick, 1000);
  tick();
}
