// The streamrec storefront page: a product grid, a shopper selector and a live "Recommended for you" panel.
// Everything the page shows comes from /api/catalog, /api/shoppers and the /api/stream server-sent events; every
// click is POSTed to /api/events, which checks it with the job's contract and sends it to Kafka.
'use strict';

const state = {
  products: new Map(),       // item_id -> product
  categories: new Map(),     // category id -> readable name
  filter: null,              // category shown in the grid, or null for all
  user: null,
  stream: null,
  seq: 0,
  session: 'sf-' + Math.random().toString(36).slice(2, 10),
};

const $ = (id) => document.getElementById(id);

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}

function colour(category) {
  let h = 0;
  for (const ch of category || '') h = (h * 31 + ch.charCodeAt(0)) % 360;
  return `hsl(${h}, 45%, 52%)`;
}

function categoryName(id) {
  return state.categories.get(id) || id || '';
}

let catalogText = null;

async function loadCatalog() {
  const res = await fetch('/api/catalog');
  const text = await res.text();
  if (text === catalogText) return; // unchanged: keep the grid (and what is being clicked) as it is
  catalogText = text;
  const body = JSON.parse(text);
  state.products.clear();
  for (const p of body.items) {
    state.products.set(p.item_id, p);
    if (p.category) state.categories.set(p.category, p.category_name || p.category);
  }
  renderCategories();
  renderGrid();
  setStatus(`${state.products.size} products`);
}

function renderCategories() {
  const nav = $('categories');
  nav.replaceChildren();
  const all = el('button', state.filter === null ? 'on' : '', 'All');
  all.type = 'button';
  all.onclick = () => { state.filter = null; renderCategories(); renderGrid(); };
  nav.append(all);
  const ids = [...state.categories.keys()].sort((a, b) => categoryName(a).localeCompare(categoryName(b)));
  for (const id of ids) {
    const b = el('button', state.filter === id ? 'on' : '', categoryName(id));
    b.type = 'button';
    b.dataset.category = id;
    b.onclick = () => { state.filter = id; renderCategories(); renderGrid(); };
    nav.append(b);
  }
}

function renderGrid() {
  const grid = $('grid');
  grid.replaceChildren();
  let shown = 0;
  for (const p of state.products.values()) {
    if (state.filter !== null && p.category !== state.filter) continue;
    if (state.filter === null && shown >= 240) break; // a page of products, not the whole warehouse
    shown++;
    grid.append(productCard(p));
  }
}

function productCard(p) {
  const card = el('div', 'product');
  card.dataset.itemId = p.item_id;
  card.dataset.category = p.category || '';
  const sw = el('div', 'swatch', (p.name || p.item_id).slice(0, 1));
  sw.style.background = colour(p.category);
  card.append(sw, el('div', 'title', p.name), el('div', 'cat', `${categoryName(p.category)} · ${p.item_id}`));
  card.append(el('div', 'price', p.price == null ? '' : `$${Number(p.price).toFixed(2)}`));
  if (!p.in_stock) card.append(el('div', 'oos', 'out of stock'));
  const actions = el('div', 'actions');
  const add = el('button', 'btn-add secondary', 'Add to cart');
  const buy = el('button', 'btn-buy', 'Buy');
  add.type = buy.type = 'button';
  add.onclick = (e) => { e.stopPropagation(); send('add_to_cart', p.item_id); };
  buy.onclick = (e) => { e.stopPropagation(); send('purchase', p.item_id); };
  actions.append(add, buy);
  card.append(actions);
  card.onclick = () => { card.classList.add('clicked'); send('click', p.item_id); };
  return card;
}

async function send(type, itemId) {
  if (!state.user) { showEvent('Pick a shopper first.', true); return; }
  const p = state.products.get(itemId) || {};
  const event = { user_id: state.user, item_id: itemId, type, session_id: state.session,
                  context: { device: 'browser', page: 'storefront' } };
  if (p.category) event.category = p.category;
  if (p.price != null) event.price = p.price;
  try {
    const res = await fetch('/api/events', { method: 'POST', headers: { 'Content-Type': 'application/json' },
                                             body: JSON.stringify(event) });
    const body = await res.json();
    if (res.status === 202) {
      document.body.dataset.lastEvent = body.event_id;
      showEvent(`sent ${type} of ${p.name || itemId} as ${state.user} (event ${body.event_id})`, false);
    } else {
      showEvent(`refused (${res.status}): ${body.error}`, true);
    }
  } catch (err) {
    showEvent(`could not send: ${err}`, true);
  }
}

function showEvent(text, error) {
  const p = $('last-event');
  p.textContent = text;
  p.className = error ? 'error' : '';
}

function setStatus(text) {
  $('status').textContent = text;
}

async function loadShoppers() {
  const res = await fetch('/api/shoppers');
  const body = await res.json();
  const sel = $('shopper-select');
  const keep = sel.value;
  sel.replaceChildren();
  for (const id of body.shoppers) {
    const o = el('option', null, id);
    o.value = id;
    sel.append(o);
  }
  if (keep) sel.value = keep;
  if (!state.user && body.shoppers.length > 0) selectShopper(body.shoppers[0]);
}

function selectShopper(id) {
  id = (id || '').trim();
  if (!id || id === state.user) return;
  state.user = id;
  state.seq = 0;
  document.body.dataset.shopper = id;
  const sel = $('shopper-select');
  if (![...sel.options].some((o) => o.value === id)) {
    const o = el('option', null, id);
    o.value = id;
    sel.prepend(o);
  }
  sel.value = id;
  clearPanel('Waiting for this shopper\'s next list… click a product.');
  if (state.stream) state.stream.close();
  state.stream = new EventSource('/api/stream?user=' + encodeURIComponent(id));
  state.stream.onmessage = (m) => showList(JSON.parse(m.data));
  state.stream.onerror = () => setStatus('live updates reconnecting…');
  state.stream.onopen = () => setStatus(`following ${id} live`);
}

function clearPanel(text) {
  const recs = $('recs');
  recs.replaceChildren(el('li', 'empty', text));
  delete recs.dataset.trigger;
  delete recs.dataset.seq;
  $('discover').hidden = $('discover-title').hidden = true;
  $('model').textContent = $('seq').textContent = $('latency').textContent = '–';
}

function showList(message) {
  const list = message.list;
  if (list.user_id !== state.user || list.seq <= state.seq) return; // another shopper's, or older
  state.seq = list.seq;
  fill($('recs'), list.items || []);
  const disc = list.discover || [];
  $('discover').hidden = $('discover-title').hidden = disc.length === 0;
  fill($('discover'), disc);
  $('recs').dataset.trigger = list.trigger_event_id;
  $('recs').dataset.seq = list.seq;
  $('model').textContent = list.model_version;
  $('seq').textContent = `#${list.seq}`;
  if (message.latency_ms !== null && message.latency_ms !== undefined) {
    $('latency').textContent = `${message.latency_ms} ms`;
    $('latency').dataset.ms = message.latency_ms;
  }
}

function fill(ol, items) {
  ol.replaceChildren();
  for (const it of items.slice(0, 10)) {
    const p = state.products.get(it.item_id);
    const li = el('li', 'rec fresh');
    li.dataset.itemId = it.item_id;
    li.dataset.category = p ? p.category || '' : '';
    li.dataset.source = it.source;
    const name = el('span', 'name', p ? p.name : it.item_id);
    name.onclick = () => send('click', it.item_id);
    li.append(name, el('span', 'badge', it.source));
    if (p) li.append(el('span', 'cat', ` ${categoryName(p.category)}`));
    if (it.because && it.because.length) {
      const names = it.because.map((b) => (state.products.get(b) || {}).name || b);
      li.append(el('span', 'because', `because of ${names.join(', ')}`));
    }
    ol.append(li);
  }
  if (items.length === 0) ol.append(el('li', 'empty', 'nothing to recommend yet'));
}

$('shopper-form').onsubmit = (e) => {
  e.preventDefault();
  const typed = $('shopper-input').value;
  selectShopper(typed.trim() ? typed : $('shopper-select').value);
  $('shopper-input').value = '';
};
$('shopper-select').onchange = () => selectShopper($('shopper-select').value);

(async () => {
  try {
    await loadCatalog();
    await loadShoppers();
  } catch (err) {
    setStatus(`cannot reach the storefront: ${err}`);
  }
  setInterval(() => loadCatalog().catch(() => {}), 30000);
  setInterval(() => loadShoppers().catch(() => {}), 30000);
})();
