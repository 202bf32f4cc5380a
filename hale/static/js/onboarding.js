// Specialist onboarding: fill in the browser's time zone, and add education rows in place.
// Everything here is an enhancement; the forms work without it (strict CSP: no inline JS).

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
  const option = Array.from(select.options).find((o) => o.value === zone);
  if (!option) return;
  select.value = zone;
  const note = document.querySelector("[data-time-zone-note]");
  if (note && note.dataset.template) {
    note.textContent = note.dataset.template.replace("__zone__", zone);
    note.hidden = false;
    if (select.id) {
      const ids = (select.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      if (!note.id) note.id = `${select.id}_detected`;
      select.setAttribute("aria-describedby", [...ids, note.id].join(" "));
    }
  }
}

function formsets() {
  for (const form of document.querySelectorAll("[data-formset]")) {
    const prefix = form.dataset.formset;
    const total = form.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
    const max = form.querySelector(`input[name="${prefix}-MAX_NUM_FORMS"]`);
    const rows = form.querySelector("[data-formset-rows]");
    const template = form.querySelector("template[data-formset-template]");
    const fallback = form.querySelector("[data-formset-fallback]");
    if (!total || !rows || !template || !fallback) continue;

    // Without this script the fallback saves and reloads with a blank row; with it, a plain
    // button adds the row in place.
    const add = document.createElement("button");
    add.type = "button";
    add.className = fallback.className;
    add.textContent = fallback.dataset.addLabel || fallback.textContent;
    fallback.replaceWith(add);

    const refresh = () => {
      add.disabled = Boolean(max) && Number(total.value) >= Number(max.value);
    };
    refresh();

    add.addEventListener("click", () => {
      const index = Number(total.value);
      const html = template.innerHTML.replaceAll("__prefix__", String(index));
      const holder = document.createElement("div");
      holder.innerHTML = html.trim();
      const row = holder.firstElementChild;
      rows.append(row);
      total.value = String(index + 1);
      refresh();
      row.querySelector("input, select, textarea")?.focus();
    });
  }
}

detectTimeZone();
formsets();
