// The operators' page: signs in with ADMIN_API_TOKEN (kept in sessionStorage only), joins the
// `admin:dashboard` channel over Nestling's own protocol with phoenix.js (the token travels as
// the `authToken` subprotocol, never in a URL), and draws each `snapshot` it pushes.
import { Socket } from '/dashboard/vendor/phoenix.mjs';
import { RateChart } from '/dashboard/charts.js';
import { clock, RATE_KEYS, render } from '/dashboard/render.js';

const TOKEN_KEY = 'nestling.dashboard.token';
const TOPIC = 'admin:dashboard';
const COLORS = { joins: '#4c8dff', messages_in: '#2fbf71', frames_out: '#f08c2e' };

/** What the server's refusal means, in the operator's words. */
const REFUSALS = {
  unauthorized: 'The server refused this admin token: check ADMIN_API_TOKEN and sign in again.',
  'ADMIN_API_TOKEN is not set':
    'This server has no ADMIN_API_TOKEN: the dashboard stays closed until one is set.',
};

const $ = (id) => document.getElementById(id);
let session;
let charts;

function setStatus(state, text) {
  $('status').dataset.state = state;
  $('status').textContent = text;
}

function showSignIn(message = '') {
  $('dashboard').hidden = true;
  $('sign-out').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-message').textContent = message;
  $('cluster').textContent = '';
  setStatus('offline', 'signed out');
  $('token').focus();
}

function showDashboard() {
  $('sign-in').hidden = true;
  $('sign-out').hidden = false;
  $('dashboard').hidden = false;
  charts ??= Object.fromEntries(
    RATE_KEYS.map((key) => [
      key,
      new RateChart(document.querySelector(`[data-chart="${key}"]`), COLORS[key]),
    ]),
  );
}

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  session?.socket.disconnect();
  session = undefined;
  showSignIn(message);
}

function watch(token) {
  session?.socket.disconnect();
  const socket = new Socket('/socket', { authToken: token, params: { dashboard: '1' } });
  const channel = socket.channel(TOPIC);
  session = { socket, channel };
  channel.on('snapshot', (snapshot) => {
    render(snapshot);
    for (const key of RATE_KEYS) charts?.[key].push(snapshot.at, snapshot.rates[key]);
    setStatus('live', `live · ${clock(snapshot.at)}`);
  });
  socket.onError(() => setStatus('reconnecting', 'connection lost, reconnecting…'));
  setStatus('connecting', 'connecting…');
  channel
    .join()
    .receive('ok', () => showDashboard())
    .receive('error', ({ reason } = {}) =>
      signOut(
        REFUSALS[reason] ?? `The server refused the dashboard: ${reason ?? 'no reason given'}.`,
      ),
    )
    .receive('timeout', () => setStatus('reconnecting', 'no answer from the server, retrying…'));
  try {
    socket.connect();
  } catch {
    // phoenix.js puts the token, base64-encoded, in a WebSocket subprotocol: btoa takes Latin-1
    // text only, and browsers refuse a subprotocol with "/" in it (an ASCII token's "?" can
    // become one).
    signOut(
      'This browser cannot send this token: give ADMIN_API_TOKEN letters, digits, "-" and "_" only.',
    );
  }
}

$('sign-in-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const token = $('token').value.trim();
  if (token === '') return showSignIn('Enter the admin token.');
  $('token').value = '';
  $('sign-in-message').textContent = '';
  sessionStorage.setItem(TOKEN_KEY, token);
  watch(token);
});

$('sign-out').addEventListener('click', () => signOut());

window.addEventListener('resize', () => {
  for (const chart of Object.values(charts ?? {})) chart.resize();
});

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) watch(saved);
else showSignIn();
