// The specialist dashboard's statistics: two Chart.js charts (sessions by outcome, net
// revenue) over the last 30 days or 12 months. The same figures are in the page as text and
// a table, so the charts only add a picture; without JS or Chart.js nothing is lost.
const root = document.querySelector("[data-stats]");
const data = JSON.parse(document.getElementById("dashboard-stats")?.textContent || "null");
const names = JSON.parse(document.getElementById("dashboard-labels")?.textContent || "{}");
const lang = document.documentElement.lang || undefined;

function minorDigits(currency) {
  try {
    return new Intl.NumberFormat(lang, { style: "currency", currency }).resolvedOptions()
      .maximumFractionDigits;
  } catch {
    return 2;
  }
}

function labelsOf(series, period) {
  const format = new Intl.DateTimeFormat(
    lang,
    period === "daily" ? { day: "numeric", month: "short" } : { month: "short", year: "numeric" },
  );
  return series.labels.map((iso) => format.format(new Date(`${iso}T12:00:00`)));
}

function draw() {
  if (!root || !data || typeof window.Chart === "undefined") return;
  const style = getComputedStyle(document.documentElement);
  const colour = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
  const palette = [colour("--brand-primary", "#2f4f6f"), colour("--brand-accent", "#d98f3c"), "#a4262c"];
  const charts = {};
  const sessionsConfig = (period) => ({
    type: "bar",
    data: {
      labels: labelsOf(data[period], period),
      datasets: [
        { label: names.delivered, data: data[period].delivered, backgroundColor: palette[0] },
        { label: names.cancelled, data: data[period].cancelled, backgroundColor: palette[1] },
        { label: names.no_shows, data: data[period].no_shows, backgroundColor: palette[2] },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
  const revenueConfig = (period) => ({
    type: "line",
    data: {
      labels: labelsOf(data[period], period),
      datasets: Object.entries(data[period].revenue).map(([currency, values], i) => ({
        label: `${names.revenue} (${currency})`,
        data: values.map((v) => v / 10 ** minorDigits(currency)),
        borderColor: palette[i % palette.length],
        backgroundColor: palette[i % palette.length],
        tension: 0.2,
      })),
    },
    options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true } } },
  });
  const show = (period) => {
    for (const button of root.querySelectorAll("[data-period]")) {
      button.setAttribute("aria-pressed", String(button.dataset.period === period));
    }
    for (const panel of root.querySelectorAll("[data-stats-panel]")) {
      panel.hidden = panel.dataset.statsPanel !== period;
    }
    for (const [id, config] of [["stats-sessions", sessionsConfig], ["stats-revenue", revenueConfig]]) {
      charts[id]?.destroy();
      charts[id] = new window.Chart(document.getElementById(id), config(period));
    }
    root.dataset.chartsDrawn = period;
  };
  for (const button of root.querySelectorAll("[data-period]")) {
    button.addEventListener("click", () => show(button.dataset.period));
  }
  root.querySelector("[data-period-switch]").hidden = false;
  show("daily");
}

draw();
