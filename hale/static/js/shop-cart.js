// The cart drawer: "Add to cart" and the header cart icon open a side panel with the cart
// (quantities, remove, clear) without leaving the page. Without JavaScript the same forms
// and links work as plain pages. The item count in the header follows every change.

const drawer = document.getElementById("cart-drawer");
const body = document.getElementById("cart-drawer-body");

function updateCount(count) {
  const badge = document.querySelector("[data-cart-count]");
  if (!badge) return;
  badge.textContent = String(count);
  badge.hidden = count === 0;
  const label = document.querySelector("[data-cart-label]");
  const link = document.querySelector("[data-cart-link]");
  if (label && link) {
    const template = count === 1 ? link.dataset.labelOne : link.dataset.labelMany;
    if (template) label.textContent = template.replace("%s", String(count));
  }
}

function openDrawer() {
  if (!drawer || drawer.open) return;
  drawer.showModal();
}

if (drawer && body && window.htmx) {
  document.addEventListener("click", (event) => {
    const link = event.target.closest?.("[data-cart-link]");
    if (!link) return;
    event.preventDefault();
    window.htmx.trigger(body, "cart-open");
    openDrawer();
  });
  drawer.addEventListener("click", (event) => {
    if (event.target.closest("[data-close-drawer]") || event.target === drawer) drawer.close();
  });
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target === body || body.contains(event.detail.target)) openDrawer();
  });
  document.body.addEventListener("cartChanged", (event) => updateCount(event.detail.count));
}
