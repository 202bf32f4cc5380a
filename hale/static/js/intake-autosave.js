// Intake forms (hale.intake): the answers are saved as a draft while the patient types —
// a second after they stop, and when they leave the page — so a reload or a closed tab
// loses nothing. Signatures are never part of a draft. Without this script the
// "Save draft" button does the same.
const form = document.querySelector("[data-intake-form]");

if (form) {
  const url = form.dataset.draftUrl;
  const status = form.querySelector("[data-draft-status]");
  const texts = document.querySelector("[data-draft-messages]").dataset;
  let timer = null;
  let dirty = false;
  let submitting = false;

  function body() {
    const data = new FormData(form);
    for (const key of [...data.keys()]) {
      if (/_(image|typed|method)$/.test(key)) data.delete(key);
    }
    return data;
  }

  async function save() {
    timer = null;
    if (!dirty || submitting) return;
    dirty = false;
    try {
      const response = await fetch(url, {
        method: "POST",
        body: body(),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      });
      const answer = await response.json();
      if (!response.ok || !answer.ok) throw new Error(answer.error || response.status);
      const at = new Date(answer.saved_at);
      status.textContent = `${texts.saved} ${at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}.`;
    } catch (error) {
      dirty = true;
      status.textContent = error.message && !/^\d+$/.test(error.message) ? error.message : texts.failed;
    }
  }

  function changed(event) {
    if (event.target.closest("[data-signature-pad]")) return;
    dirty = true;
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 1000);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", () => { submitting = true; });
  window.addEventListener("pagehide", () => {
    if (dirty && !submitting) navigator.sendBeacon(url, body());
  });
}
