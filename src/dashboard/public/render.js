// Draws a snapshot of the `admin:dashboard` channel into the page. Every value is written as
// text (textContent), never as markup: topics and reasons come from the server, but topic names
// were chosen by clients.

const $ = (id) => document.getElementById(id);

/** The rate series the charts follow, by snapshot key. */
export const RATE_KEYS = ['joins', 'messages_in', 'frames_out'];

export function render(snapshot) {
  const { connections } = snapshot;
  $('cluster').textContent = `cluster ${snapshot.cluster} · served by ${snapshot.node}`;
  $('connections-total').textContent = String(connections.websocket + connections.longpoll);
  $('connections-detail').textContent =
    `${connections.websocket} WebSocket · ${connections.longpoll} LongPoll`;
  $('channels-total').textContent = String(total(snapshot.channels));
  $('presence-total').textContent = String(total(snapshot.presence));
  $('nodes-total').textContent = String(snapshot.nodes.length);
  fill('nodes', snapshot.nodes.map(nodeRow));
  fill('channels', byCount(snapshot.channels));
  fill('presence', byCount(snapshot.presence));
  fill(
    'top-topics',
    snapshot.top_topics.map(({ topic, subscribers }) => [topic, subscribers]),
  );
  fill(
    'db-pool',
    snapshot.nodes.map(({ name, db }) => [name, db.idle, db.busy, db.waiting]),
  );
  renderEvents(snapshot.events);
}

function nodeRow(node) {
  const bus =
    node.bus.backend === 'local'
      ? 'one node'
      : `${node.bus.connected ? 'connected' : 'DISCONNECTED'} · ${rate(node.bus.in_per_s)} in/s · ` +
        `${rate(node.bus.out_per_s)} out/s · ${node.bus.gaps} gaps`;
  return [
    node.name,
    duration(node.uptime_s),
    node.connections.websocket + node.connections.longpoll,
    mib(node.memory.rss),
    `${mib(node.memory.heap_used)} / ${mib(node.memory.heap_total)}`,
    `${node.loop_lag_ms.p99.toFixed(1)} ms`,
    bus,
  ];
}

/** Replaces the rows of table `id`; each cell is aligned as its column's heading. */
function fill(id, rows) {
  const table = $(id);
  const headings = [...table.tHead.rows[0].cells];
  table.tBodies[0].replaceChildren(
    ...rows.map((cells) => {
      const tr = document.createElement('tr');
      cells.forEach((value, i) => {
        const td = document.createElement('td');
        td.textContent = String(value);
        td.className = headings[i]?.className ?? '';
        tr.append(td);
      });
      return tr;
    }),
  );
}

const EVENT_KINDS = {
  connect_refused: 'refused connect',
  join_refused: 'refused join',
  malformed_frame: 'malformed frame',
  abnormal_close: 'abnormal close',
};

function describe(event) {
  switch (event.kind) {
    case 'connect_refused':
      return `${event.transport}, HTTP ${event.status}: ${event.reason}`;
    case 'join_refused':
      return `${event.topic}: ${event.reason}`;
    case 'abnormal_close':
      return `${event.transport}, code ${event.code}: ${event.reason}`;
    default:
      return event.transport ? `${event.transport}: ${event.reason}` : event.reason;
  }
}

function renderEvents(events) {
  $('events-empty').hidden = events.length > 0;
  $('events').replaceChildren(
    ...events.map((event) => {
      const li = document.createElement('li');
      li.dataset.kind = event.kind;
      const time = document.createElement('time');
      time.dateTime = new Date(event.at).toISOString();
      time.textContent = clock(event.at);
      const node = span('node', event.node);
      const kind = span('kind', EVENT_KINDS[event.kind] ?? event.kind);
      li.append(time, node, kind, span('detail', describe(event)));
      return li;
    }),
  );
}

function span(className, text) {
  const element = document.createElement('span');
  element.className = className;
  element.textContent = text;
  return element;
}

/** 24-hour local time, HH:MM:SS. */
export const clock = (at) => new Date(at).toLocaleTimeString('en-GB');

const total = (counts) => Object.values(counts).reduce((sum, n) => sum + n, 0);

/** `[[key, count]]`, largest first. */
const byCount = (counts) => Object.entries(counts).sort((a, b) => b[1] - a[1]);

const mib = (bytes) => `${(bytes / 1048576).toFixed(1)} MiB`;

const rate = (value) => (value === null ? '–' : value.toFixed(1));

function duration(seconds) {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  return `${m}m ${String(seconds % 60).padStart(2, '0')}s`;
}
