// Patient onboarding, time zone step: read the browser's zone into the hidden "detected" field
// and, when nothing is chosen yet, preselect it and say so. The form works without this
// (the server preselects from the hale_tz cookie that hale.js sets); strict CSP, no inline JS.

function detectTimeZone() {
  const hidden = document.querySelector("[data-detected-time-zone]");
  if (!hidden) return;
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch {
    return;
  }
  if (!zone) return;
  hidden.value = zone;
  const select = document.querySelector("[data-time-zone-select]");
  if (!select || select.value) return;
  if (!Array.from(select.options).some((o) => o.value === zone)) return;
  select.value = zone;
  const note = document.querySelector("[data-time-zone-note]");
  if (note?.dataset.template) {
    note.textContent = note.dataset.template.replace("__zone__", zone);
    note.hidden = false;
    if (!note.id) note.id = `${select.id || "time-zone"}_detected`;
    const ids = (select.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (!ids.includes(note.id)) select.setAttribute("aria-describedby", [...ids, note.id].join(" "));
  }
}

detectTimeZone();
