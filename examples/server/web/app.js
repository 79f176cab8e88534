// The page of examples/server: publish over WHIP, record through the
// server's /ui/ endpoints, show the events, play playlists with hls.js.
// Plain JavaScript, no framework; window.roomrecPage exposes the state
// (for the console and the browser test).
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const page = {
    pc: null, stream: null, location: null, sentCodec: '',
    hls: null, playing: '', playerErrors: [],
    lastEvent: 0, events: [], config: null,
  };
  window.roomrecPage = page;

  // ---- helpers ----
  async function ui(method, path, body) {
    const opts = { method, headers: {} };
    if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    const res = await fetch(path, opts);
    const data = await res.json().catch(() => ({}));
    if (!res.ok) {
      throw new Error(data.error ? `${data.error.code}: ${data.error.message}` : `${res.status} ${res.statusText}`);
    }
    return data;
  }
  function el(tag, text, attrs) {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  }
  function setState(id, state, detail) {
    const e = $(id);
    e.dataset.state = state;
    e.textContent = detail ? `${state}: ${detail}` : state;
  }
  function banner(text) {
    const b = $('banner');
    b.textContent = text;
    b.hidden = !text;
  }

  // ---- 1. publish (WHIP, RFC 9725) ----
  function codecPreferences(mimeType) {
    const caps = RTCRtpSender.getCapabilities('video');
    if (!caps) return [];
    return caps.codecs.filter((c) => c.mimeType.toLowerCase() === mimeType.toLowerCase() &&
      (mimeType !== 'video/H264' || /packetization-mode=1/.test(c.sdpFmtpLine || '')));
  }
  function gathered(pc, ms) {
    return new Promise((resolve) => {
      if (pc.iceGatheringState === 'complete') { resolve(); return; }
      const t = setTimeout(resolve, ms);
      pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') { clearTimeout(t); resolve(); }
      });
    });
  }
  async function sentVideoCodec(pc) {
    const stats = await pc.getStats();
    for (const s of stats.values()) {
      if (s.type === 'outbound-rtp' && s.kind === 'video' && s.codecId && stats.get(s.codecId)) {
        return stats.get(s.codecId).mimeType;
      }
    }
    return '';
  }

  async function publish() {
    const room = $('room').value.trim();
    const user = $('user').value.trim();
    const codec = $('codec').value;
    $('publish-btn').disabled = true;
    setState('pub-state', 'connecting');
    try {
      const prefs = codecPreferences(`video/${codec}`);
      if (prefs.length === 0) throw new Error(`this browser cannot send ${codec}`);
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
      page.stream = stream;
      $('preview').srcObject = stream;
      const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
      page.pc = pc;
      const video = pc.addTransceiver(stream.getVideoTracks()[0], { direction: 'sendonly', streams: [stream] });
      video.setCodecPreferences(prefs);
      pc.addTransceiver(stream.getAudioTracks()[0], { direction: 'sendonly', streams: [stream] });
      pc.addEventListener('connectionstatechange', async () => {
        if (page.pc !== pc) return;
        if (pc.connectionState === 'connected') {
          page.sentCodec = await sentVideoCodec(pc);
          setState('pub-state', 'connected', `${user} in room ${room}, video ${page.sentCodec || codec}`);
        } else {
          setState('pub-state', pc.connectionState);
        }
      });
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc, 3000); // no trickle ICE: the offer carries the candidates
      const headers = { 'Content-Type': 'application/sdp' };
      if ($('token').value) headers.Authorization = `Bearer ${$('token').value}`;
      const res = await fetch(`/whip/${encodeURIComponent(room)}/${encodeURIComponent(user)}`,
        { method: 'POST', headers, body: pc.localDescription.sdp });
      if (res.status !== 201) throw new Error(`WHIP answered ${res.status}: ${(await res.text()).trim()}`);
      page.location = new URL(res.headers.get('Location'), window.location.href).href;
      await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
      $('unpublish-btn').disabled = false;
    } catch (e) {
      await unpublish();
      setState('pub-state', 'failed', e.message);
    }
  }

  async function unpublish() {
    const { pc, stream, location } = page;
    page.pc = null; page.stream = null; page.location = null; page.sentCodec = '';
    if (location) {
      const headers = $('token').value ? { Authorization: `Bearer ${$('token').value}` } : {};
      await fetch(location, { method: 'DELETE', headers }).catch(() => {});
    }
    if (pc) pc.close();
    if (stream) stream.getTracks().forEach((t) => t.stop());
    $('preview').srcObject = null;
    $('publish-btn').disabled = false;
    $('unpublish-btn').disabled = true;
    setState('pub-state', 'idle');
  }

  // ---- 2. record ----
  async function startRecording() {
    try {
      const t = await ui('POST', '/ui/tasks', { room: $('room').value.trim() });
      $('record-state').textContent = `started ${t.taskId}`;
      await refreshTasks();
    } catch (e) {
      $('record-state').textContent = e.message;
    }
  }
  async function stopRecording(id) {
    try {
      $('record-state').textContent = `stopping ${id} …`;
      await ui('POST', `/ui/tasks/${encodeURIComponent(id)}/stop`, {});
      $('record-state').textContent = `stopped ${id}`;
    } catch (e) {
      $('record-state').textContent = e.message;
    }
    await refreshTasks();
    await refreshPlaylists();
  }
  function taskTable(t) {
    const div = el('div', undefined, { class: 'task', 'data-task': t.taskId });
    const head = el('p');
    head.append(el('b', t.taskId), ` room ${t.room}: ${t.status} `);
    const stop = el('button', 'Stop');
    stop.addEventListener('click', () => stopRecording(t.taskId));
    head.append(stop);
    if (t.note) head.append(el('span', ` ${t.note}`, { class: 'muted' }));
    div.append(head);
    const table = el('table');
    const hr = el('tr');
    for (const h of ['user', 'kind', 'codec', 'state', 'packets', 'segments', 'bytes']) hr.append(el('th', h));
    table.append(hr);
    for (const s of t.streams) {
      const tr = el('tr');
      const state = s.skipped ? `skipped: ${s.skipped}` : (s.recording ? 'recording' : 'not recorded');
      for (const v of [s.userId, s.kind, s.codec, state, s.packets, s.segments, s.bytes]) tr.append(el('td', String(v)));
      table.append(tr);
    }
    div.append(table);
    return div;
  }
  async function refreshTasks() {
    try {
      const tasks = await ui('GET', '/ui/tasks');
      const box = $('tasks');
      box.replaceChildren(...(tasks.length ? tasks.map(taskTable) : [el('p', 'No recording runs.', { class: 'muted' })]));
    } catch (e) { /* the server may be restarting */ }
  }

  // ---- events ----
  async function pollEvents() {
    try {
      const r = await ui('GET', `/ui/events?after=${page.lastEvent}`);
      const list = $('event-list');
      for (const e of r.events) {
        page.events.push(e);
        const info = e.body && e.body.EventInfo ? JSON.stringify(e.body.EventInfo.Payload) : '';
        list.prepend(el('li', `${new Date(e.time).toLocaleTimeString()} ${e.type} ${e.name} ${e.taskId} ${info}`,
          { 'data-type': String(e.type) }));
        if (e.type === 304 || e.type === 305 || e.type === 307) refreshPlaylists();
      }
      page.lastEvent = r.last;
    } catch (e) { /* retried on the next tick */ }
  }

  // ---- 3. play ----
  async function refreshPlaylists() {
    try {
      const list = await ui('GET', '/ui/playlists');
      const ul = $('playlists');
      ul.replaceChildren(...list.map((p) => {
        const li = el('li');
        const b = el('button', 'Play', { 'data-key': p.key });
        b.addEventListener('click', () => play(p.url));
        li.append(b, `${p.userId || '?'} ${p.trackType || ''} ${p.live ? '(running)' : ''} ${p.segments} segments — ${p.key}`);
        return li;
      }));
      if (list.length === 0) ul.append(el('li', 'No recording yet.', { class: 'muted' }));
    } catch (e) { /* retried on the next tick */ }
  }

  function play(url) {
    const video = $('player');
    if (page.hls) { page.hls.destroy(); page.hls = null; }
    page.playerErrors = [];
    page.playing = url;
    setState('player-state', 'loading', url);
    if (!window.Hls) {
      if (video.canPlayType('application/vnd.apple.mpegurl')) { // Safari plays HLS natively
        video.src = url;
        video.play().catch((e) => setState('player-state', 'error', e.message));
        return;
      }
      setState('player-state', 'error', 'hls.js is missing: run `make hlsjs` and reload');
      return;
    }
    const hls = new window.Hls();
    page.hls = hls;
    hls.on(window.Hls.Events.ERROR, (_, d) => {
      page.playerErrors.push({ type: d.type, details: d.details, fatal: d.fatal });
      setState('player-state', 'error', `${d.fatal ? 'fatal ' : ''}${d.type} ${d.details}`);
    });
    hls.on(window.Hls.Events.MANIFEST_PARSED, () => {
      video.play().catch((e) => setState('player-state', 'error', e.message));
    });
    hls.loadSource(url);
    hls.attachMedia(video);
  }

  // ---- start ----
  async function init() {
    $('publish-btn').addEventListener('click', publish);
    $('unpublish-btn').addEventListener('click', unpublish);
    $('start-btn').addEventListener('click', startRecording);
    $('refresh-btn').addEventListener('click', refreshPlaylists);
    $('player').addEventListener('timeupdate', () => {
      if (page.playerErrors.length === 0) setState('player-state', 'playing', `${$('player').currentTime.toFixed(1)} s`);
    });
    window.addEventListener('pagehide', () => { // end the WHIP session with the page
      if (!page.location) return;
      const headers = $('token').value ? { Authorization: `Bearer ${$('token').value}` } : {};
      fetch(page.location, { method: 'DELETE', headers, keepalive: true }).catch(() => {});
    });
    try {
      page.config = await ui('GET', '/ui/config');
      $('token-label').hidden = !page.config.whipToken;
      if (page.config.hlsjsMissing || window.hlsjsMissing) banner(page.config.hlsjsMissing || 'hls.js did not load');
    } catch (e) {
      banner(`The page's endpoints are not available: ${e.message}`);
    }
    refreshTasks(); refreshPlaylists(); pollEvents();
    setInterval(refreshTasks, 2000);
    setInterval(pollEvents, 1000);
    setInterval(refreshPlaylists, 5000);
  }
  init();
})();
