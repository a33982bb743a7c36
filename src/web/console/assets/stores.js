// Stores list: a "select all on this page" box for the batch transfer. Without JavaScript the box
// stays hidden and each store is ticked by hand.
document.addEventListener('DOMContentLoaded', () => {
  const all = document.querySelector('input[data-select-all]');
  if (!all) return;
  const boxes = () => [...document.querySelectorAll('input[name="storeIds"]')];
  all.hidden = false;
  all.addEventListener('change', () => boxes().forEach((b) => (b.checked = all.checked)));
});
