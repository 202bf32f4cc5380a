// Signature fields (hale.core.signatures): a drawing pad (the vendored signature_pad) or a
// typed name. The page works without this script (typed name only); with it, drawing is
// offered and chosen by default, the drawing is written to the hidden input after each
// stroke, and the canvas keeps sharp lines on high-density screens.
const pads = document.querySelectorAll("[data-signature-pad]");

function setUp(root) {
  const SignaturePad = window.SignaturePad;
  if (!SignaturePad) return;
  const canvas = root.querySelector("[data-signature-canvas]");
  const image = root.querySelector("[data-signature-image]");
  const drawArea = root.querySelector("[data-signature-draw]");
  const typeArea = root.querySelector("[data-signature-type]");
  const drawChoice = root.querySelector("[data-signature-draw-choice]");
  const preview = root.querySelector("[data-signature-preview]");
  const typed = typeArea.querySelector("input[type=text]");
  const radios = root.querySelectorAll('input[type=radio]');
  const pad = new SignaturePad(canvas, { minWidth: 0.8, maxWidth: 2.6, penColor: "#1b2330" });

  function resize() {
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    const data = pad.isEmpty() ? null : pad.toData();
    const width = canvas.offsetWidth || 600;
    canvas.width = width * ratio;
    canvas.height = (width / 3) * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear();
    if (data) pad.fromData(data);
  }

  function show(method) {
    const drawing = method === "drawn";
    drawArea.hidden = !drawing;
    typeArea.hidden = drawing;
    typed.required = !drawing;
    if (drawing) resize();
  }

  pad.addEventListener("endStroke", () => {
    image.value = pad.isEmpty() ? "" : pad.toDataURL("image/png");
  });
  root.querySelector("[data-signature-clear]").addEventListener("click", () => {
    pad.clear();
    image.value = "";
  });
  typed.addEventListener("input", () => { preview.textContent = typed.value; });
  radios.forEach((radio) => radio.addEventListener("change", () => show(radio.value)));

  drawChoice.hidden = false;
  // Someone who already chose "type my name" (or started typing) before this script ran
  // keeps that choice: the form is never switched from under them.
  const started = root.contains(document.activeElement) || typed.value !== "";
  const method = started ? "typed" : root.dataset.method || "drawn";
  root.querySelector(`input[type=radio][value="${method}"]`).checked = true;
  show(method);
  window.addEventListener("resize", () => { if (!drawArea.hidden) resize(); });
}

pads.forEach(setUp);
