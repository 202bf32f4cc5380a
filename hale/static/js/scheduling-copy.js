// Copy buttons: <button data-copy-target="input-id" data-copied-text="Copied" hidden>.
// Shown only when the Clipboard API is there; the input stays selectable without it.
for (const button of document.querySelectorAll("[data-copy-target]")) {
  const input = document.getElementById(button.dataset.copyTarget);
  const status = document.querySelector("[data-copy-status]");
  if (!input || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(input.value);
      if (status) status.textContent = button.dataset.copiedText;
    } catch {
      input.select();
    }
  });
}
