// Note editor: a toolbar over a Markdown textarea ([data-note-editor]) for bold, italic,
// bulleted and numbered lists and links. Keyboard: Tab reaches the toolbar buttons; in the
// textarea Ctrl/Cmd+B, Ctrl/Cmd+I and Ctrl/Cmd+K. Without JavaScript the textarea is plain
// Markdown. The server renders and sanitises (hale.core.markdown); nothing here is trusted.

function wrap(area, before, after, placeholder) {
  const { selectionStart: start, selectionEnd: end, value } = area;
  const chosen = value.slice(start, end) || placeholder;
  area.setRangeText(`${before}${chosen}${after}`, start, end, "end");
  area.setSelectionRange(start + before.length, start + before.length + chosen.length);
  area.focus();
  area.dispatchEvent(new Event("input", { bubbles: true }));
}

function prefixLines(area, numbered) {
  const { selectionStart: start, selectionEnd: end, value } = area;
  const lineStart = value.lastIndexOf("\n", start - 1) + 1;
  const lines = value.slice(lineStart, end).split("\n");
  const text = lines.map((line, i) => `${numbered ? `${i + 1}. ` : "- "}${line}`).join("\n");
  const lead = lineStart > 0 && value[lineStart - 1] !== "\n" ? "\n" : "";
  area.setRangeText(lead + text, lineStart, end, "end");
  area.focus();
  area.dispatchEvent(new Event("input", { bubbles: true }));
}

function link(area) {
  const { selectionStart: start, selectionEnd: end, value } = area;
  const label = value.slice(start, end) || area.dataset.labelLinkText || "link";
  const url = "https://";
  area.setRangeText(`[${label}](${url})`, start, end, "end");
  const urlStart = start + label.length + 3;
  area.setSelectionRange(urlStart, urlStart + url.length);
  area.focus();
}

const ACTIONS = {
  bold: (a) => wrap(a, "**", "**", a.dataset.labelBold || "bold"),
  italic: (a) => wrap(a, "_", "_", a.dataset.labelItalic || "italic"),
  bullets: (a) => prefixLines(a, false),
  numbers: (a) => prefixLines(a, true),
  link,
};

function enhance(area) {
  if (area.dataset.enhanced) return;
  area.dataset.enhanced = "1";
  const bar = document.createElement("div");
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", area.dataset.labelToolbar || "Formatting");
  bar.setAttribute("aria-controls", area.id);
  bar.className = "note-editor__toolbar";
  const buttons = [
    ["bold", area.dataset.labelBold || "Bold", "B"],
    ["italic", area.dataset.labelItalic || "Italic", "I"],
    ["bullets", area.dataset.labelBullets || "Bulleted list", "•"],
    ["numbers", area.dataset.labelNumbers || "Numbered list", "1."],
    ["link", area.dataset.labelLink || "Link", "🔗"],
  ];
  for (const [action, label, glyph] of buttons) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button button--quiet button--small";
    button.setAttribute("aria-label", label);
    button.title = label;
    button.textContent = glyph;
    button.addEventListener("click", () => ACTIONS[action](area));
    bar.append(button);
  }
  area.before(bar);
  area.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
    const key = event.key.toLowerCase();
    const action = { b: "bold", i: "italic", k: "link" }[key];
    if (!action) return;
    event.preventDefault();
    ACTIONS[action](area);
  });
}

function start() {
  document.querySelectorAll("textarea[data-note-editor]").forEach(enhance);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
