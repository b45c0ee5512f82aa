// The Control UI (issue 9): plain JS, no framework, nothing from outside this gateway.
// The token lives in this tab's sessionStorage only; it is sent to this gateway only (the
// Authorization header of its own API calls and the WebSocket hello), never in a URL.
// Everything shown comes from /api/status (masked: never a secret), /api/order and the /ws
// protocol of docs/chat.md. Text from the gateway is always set as text, never as HTML.
"use strict";
(() => {
  const TOKEN_KEY = "openclaw.control.token";
  const POLL_MS = 5000; // status polling while the WebSocket is not live
  // The order is not in the status document, so a change to it alone (the CLI's `order set`)
  // brings no status push: it is asked for again every few seconds while the tab is shown.
  const ORDER_POLL_MS = 10000;
  const $ = (id) => document.getElementById(id);

  let token = null;
  let status = null; // the /api/status document
  let orders = new Map(); // provider → /api/order entry
  const drafts = new Map(); // provider → profile ids being reordered, not saved yet
  let skewMs = 0; // the gateway's clock minus ours
  let ws = null;
  let wsLive = false;
  let reconnectDelay = 500;
  let reconnectTimer = 0;
  let pollTimer = 0;
  let history = []; // the conversation sent with each turn (chat commands and their replies left out)
  let turn = null; // the turn in flight
  let turnSeq = 0;

  // ---- helpers ----------------------------------------------------------------------------
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "className") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) node.append(child);
    return node;
  }

  const serverNow = () => Date.now() + skewMs;

  function formatSpan(ms) {
    if (ms <= 0) return "now";
    const s = Math.ceil(ms / 1000);
    const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    if (d > 0) return `${d}d ${h}h`;
    if (h > 0) return `${h}h ${String(m).padStart(2, "0")}m`;
    if (m > 0) return `${m}m ${String(sec).padStart(2, "0")}s`;
    return `${sec}s`;
  }

  /** A countdown the ticker keeps current: `prefix` + time left until `until` (the gateway's clock). */
  function countdown(until, prefix, expiredText) {
    return el("span", { className: "countdown", dataset: { until: String(until), prefix: prefix || "", expired: expiredText || "" } }, (prefix || "") + formatSpan(until - serverNow()));
  }

  function tick() {
    let ended = false;
    for (const node of document.querySelectorAll(".countdown")) {
      const left = Number(node.dataset.until) - serverNow();
      if (left <= 0 && node.dataset.expired) node.textContent = node.dataset.expired;
      else node.textContent = node.dataset.prefix + formatSpan(left);
      if (left <= 0 && left > -1000) ended = true;
    }
    if (ended) void refreshStatus(); // a window just ran out: ask what the gateway thinks now
  }

  function say(message, isError) {
    const node = $("action-message");
    node.textContent = message;
    node.classList.toggle("error", Boolean(isError));
  }

  function setConnection(text, live) {
    const node = $("connection");
    node.textContent = text;
    node.classList.toggle("live", Boolean(live));
  }

  async function api(path, body) {
    const response = await fetch(path, {
      method: body ? "POST" : "GET",
      headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      cache: "no-store",
      credentials: "omit",
      referrerPolicy: "no-referrer",
    });
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    if (!response.ok) {
      const error = new Error((data && data.error && data.error.message) || `HTTP ${response.status}`);
      error.status = response.status;
      throw error;
    }
    return data;
  }

  // ---- sign in / out ------------------------------------------------------------------------
  async function signIn(candidate, remember) {
    token = candidate;
    let doc;
    try {
      doc = await api("/api/status");
    } catch (error) {
      token = null;
      sessionStorage.removeItem(TOKEN_KEY);
      $("login-error").textContent = error.status === 401 ? "That token was refused by the gateway." : `Could not reach the gateway: ${error.message}`;
      return;
    }
    if (remember) sessionStorage.setItem(TOKEN_KEY, candidate);
    $("token").value = "";
    $("login-error").textContent = "";
    $("login").hidden = true;
    $("app").hidden = false;
    $("sign-out").hidden = false;
    applyStatus(doc);
    connect();
    $("message").focus();
  }

  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    token = null;
    clearTimeout(reconnectTimer);
    clearTimeout(pollTimer);
    if (ws) {
      const old = ws;
      ws = null;
      old.close(1000);
    }
    wsLive = false;
    endTurn();
    status = null;
    orders = new Map();
    drafts.clear();
    $("providers").replaceChildren();
    $("app").hidden = true;
    $("login").hidden = false;
    $("sign-out").hidden = true;
    $("login-error").textContent = message || "";
    setConnection("Not connected", false);
    $("token").focus();
  }

  // ---- WebSocket ----------------------------------------------------------------------------
  function connect() {
    clearTimeout(reconnectTimer);
    if (!token) return;
    const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`);
    ws = socket;
    setConnection("Connecting…", false);
    socket.addEventListener("open", () => socket.send(JSON.stringify({ type: "hello", token })));
    socket.addEventListener("message", (event) => {
      if (socket !== ws) return;
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      onFrame(frame);
    });
    socket.addEventListener("close", (event) => {
      if (socket !== ws) return;
      ws = null;
      wsLive = false;
      if (turn) failTurn("The connection to the gateway closed before the reply ended.");
      if (event.code === 4401) return signOut("The gateway refused the token.");
      setConnection("Reconnecting…", false);
      schedulePoll();
      reconnectTimer = setTimeout(connect, reconnectDelay);
      reconnectDelay = Math.min(reconnectDelay * 2, 10000);
    });
  }

  function send(frame) {
    if (!ws || !wsLive) return false;
    ws.send(JSON.stringify(frame));
    return true;
  }

  function onFrame(frame) {
    switch (frame.type) {
      case "ready":
        wsLive = true;
        reconnectDelay = 500;
        clearTimeout(pollTimer);
        setConnection(`Live · gateway ${frame.version || ""}`.trim(), true);
        send({ type: "watch-status" });
        updateComposer();
        break;
      case "status":
        applyStatus(frame.status);
        break;
      case "delta":
        if (turn && frame.id === turn.id) {
          turn.text += frame.text;
          turn.body.textContent = turn.text;
          scrollTranscript();
        }
        break;
      case "done":
        if (turn && frame.id === turn.id) finishTurn(frame);
        break;
      case "error":
        if (turn && (frame.id === turn.id || frame.id === undefined)) failTurn(`${frame.message}${frame.status ? ` (${frame.status})` : ""}`);
        else if (!frame.id) say(frame.message, true);
        break;
    }
  }

  /** Without a live WebSocket the dashboard still follows the gateway, every few seconds. */
  function schedulePoll() {
    clearTimeout(pollTimer);
    pollTimer = setTimeout(async () => {
      if (!token || wsLive) return;
      await refreshStatus();
      schedulePoll();
    }, POLL_MS);
  }

  async function refreshStatus() {
    if (!token) return;
    try {
      applyStatus(await api("/api/status"));
    } catch (error) {
      if (error.status === 401) signOut("The gateway refused the token.");
    }
  }

  // ---- dashboard ----------------------------------------------------------------------------
  function applyStatus(doc) {
    status = doc;
    // The document's times are the gateway's: until − remaining is its "now".
    const timed = [...doc.auth.unusableProfiles, ...doc.auth.oauth.profiles].find((entry) => typeof entry.remainingMs === "number" && typeof (entry.until ?? entry.expiresAt) === "number");
    if (timed) skewMs = (timed.until ?? timed.expiresAt) - timed.remainingMs - Date.now();
    void loadOrders();
    render();
  }

  let ordersLoading = false;
  let ordersAgain = false;
  async function loadOrders() {
    if (ordersLoading) {
      ordersAgain = true;
      return;
    }
    ordersLoading = true;
    try {
      const answer = await api("/api/order");
      orders = new Map(answer.providers.map((entry) => [entry.provider, entry]));
      render();
    } catch (error) {
      if (error.status === 401) signOut("The gateway refused the token.");
    } finally {
      ordersLoading = false;
      if (ordersAgain) {
        ordersAgain = false;
        void loadOrders();
      }
    }
  }

  /** profile id → its masked credential label (`sk-ant-a...VMG8a`, `OAuth (me@x.com)`), from the status document. */
  function maskedLabels(overview, ids) {
    const labels = new Map();
    for (const line of overview.profiles.labels) {
      const id = ids.filter((candidate) => line.startsWith(`${candidate}=`)).sort((a, b) => b.length - a.length)[0];
      if (id !== undefined) labels.set(id, line.slice(id.length + 1).replace(/(?: \[[^\]]*\])+$/, ""));
    }
    return labels;
  }

  function healthCell(profile) {
    const chip = el("span", { className: `chip ${profile.status}`, text: profile.status === "static" ? "no expiry" : profile.status });
    if (typeof profile.expiresAt !== "number") return el("td", {}, chip);
    return el("td", {}, chip, " ", countdown(profile.expiresAt, "expires in ", "expired"));
  }

  function availabilityCell(profileId, windows, isNext, inOrder) {
    const cell = el("td", { className: "availability" });
    if (windows.length === 0) {
      if (isNext) cell.append(el("span", { className: "chip next", text: "next" }));
      else if (inOrder) cell.append(el("span", { className: "chip ready", text: "ready" }));
      else cell.append(el("span", { className: "chip", text: "not in order" }));
      return cell;
    }
    windows.forEach((window, index) => {
      if (index > 0) cell.append(el("br"));
      const kind = window.kind === "disabled" ? `disabled${window.reason ? `: ${window.reason}` : ""}` : "cooldown";
      cell.append(el("span", { className: `chip ${window.kind}`, text: kind }), " ", countdown(window.until, "", "over"), window.model ? el("span", { className: "help" }, ` for ${window.model}`) : null);
    });
    return cell;
  }

  function providerCard(overview) {
    const provider = overview.provider;
    // The overview's labels (`<id>=<masked credential>…`) say which profiles are this provider's.
    const profiles = status.auth.oauth.profiles.filter((p) => overview.profiles.labels.some((line) => line.startsWith(`${p.profileId}=`)));
    const byId = new Map(profiles.map((p) => [p.profileId, p]));
    const labels = maskedLabels(overview, [...byId.keys()]);
    const order = orders.get(provider);
    const saved = order ? order.order : [...byId.keys()];
    const draft = drafts.get(provider);
    const list = (draft || saved).filter((id) => byId.has(id));
    const rest = [...byId.keys()].filter((id) => !list.includes(id));
    const next = order ? order.next : null;
    const dirty = Boolean(draft) && draft.join("\n") !== saved.join("\n");
    const rollup = status.auth.oauth.providers.find((p) => p.provider === provider);
    const headId = `provider-${provider.replace(/[^a-z0-9_-]/gi, "-")}`;

    const sourceText = !order ? "" : order.source === "override" ? `Order: stored override${order.overrideFrom ? ` (from agent ${order.overrideFrom})` : ""}` : order.source === "config" ? "Order: auth.order in openclaw.json" : "Order: round-robin (OAuth, then token, then key; least recently used first)";
    const header = el(
      "header",
      {},
      el("h3", { id: headId, text: provider }),
      rollup ? el("span", { className: `chip ${rollup.status}`, text: rollup.status === "static" ? "keys" : rollup.status }) : null,
      el("span", { className: "next", text: next ? `Next: ${next}` : order ? "No usable profile right now" : "" }),
      el("span", { className: "help", text: sourceText }),
      el(
        "span",
        { className: "actions" },
        el("button", { type: "button", className: dirty ? "primary" : "", disabled: !dirty, dataset: { key: `save:${provider}` }, onclick: () => saveOrder(provider), text: "Save order" }),
        el("button", { type: "button", disabled: !draft, dataset: { key: `undo:${provider}` }, onclick: () => { drafts.delete(provider); render(); }, text: "Undo" }),
        el("button", { type: "button", disabled: !(order && order.override && !order.overrideFrom), dataset: { key: `reset:${provider}` }, title: "Remove the stored order override for this provider", onclick: () => clearOrder(provider), text: "Clear override" }),
      ),
    );
    const rows = [...list, ...rest].map((id) => {
      const profile = byId.get(id);
      const index = list.indexOf(id);
      const windows = status.auth.unusableProfiles.filter((w) => w.profileId === id);
      const moveUp = el("button", { type: "button", "aria-label": `Move ${id} up`, title: "Move up", disabled: index <= 0, dataset: { key: `up:${id}` }, onclick: () => move(provider, list, index, -1), text: "↑" });
      const moveDown = el("button", { type: "button", "aria-label": `Move ${id} down`, title: "Move down", disabled: index < 0 || index >= list.length - 1, dataset: { key: `down:${id}` }, onclick: () => move(provider, list, index, 1), text: "↓" });
      const clear = windows.length > 0 ? el("button", { type: "button", dataset: { key: `clear:${id}` }, "aria-label": `Clear cooldown of ${id}`, onclick: () => clearCooldown(id), text: "Clear cooldown" }) : null;
      return el(
        "tr",
        { className: index < 0 ? "unused" : "", dataset: { profile: id } },
        el("td", { className: "pos", text: index >= 0 ? String(index + 1) : "–" }),
        el("td", {}, el("span", { className: "mono", text: id }), profile.inherited ? el("span", { className: "help", text: " (inherited)" }) : null),
        el("td", {}, el("span", { className: "mono label", text: labels.get(id) || "" })),
        el("td", { text: profile.type }),
        healthCell(profile),
        availabilityCell(id, windows, id === next, index >= 0 || !order || order.source === "round-robin"),
        el("td", { className: "moves" }, index >= 0 ? [moveUp, " ", moveDown] : null, clear ? [" ", clear] : null),
      );
    });
    const table = el(
      "table",
      { "aria-labelledby": headId },
      el("thead", {}, el("tr", {}, ["#", "Profile", "Credential", "Type", "Expiry", "Availability", "Actions"].map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, rows),
    );
    return el("section", { className: "provider", dataset: { provider }, "aria-labelledby": headId }, header, table, dirty ? el("p", { className: "help", text: "Unsaved order: Save order to use it." }) : null);
  }

  function render() {
    if (!status) return;
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.key : undefined;
    const withProfiles = status.auth.providers.filter((o) => o.profiles.count > 0);
    const cards = withProfiles.map(providerCard);
    const others = status.auth.providers.filter((o) => o.profiles.count === 0).map((o) => el("p", { className: "help" }, el("strong", { text: o.provider }), `: ${o.effective.kind} (${o.effective.detail})`));
    const missing = status.auth.missingProvidersInUse.length > 0 ? el("p", { className: "error", text: `No credential for ${status.auth.missingProvidersInUse.join(", ")}, which a configured model uses.` }) : null;
    $("providers").replaceChildren(...cards, ...others, ...(missing ? [missing] : []));
    if (withProfiles.length === 0) $("providers").append(el("p", { className: "help", text: "No stored auth profiles. Add one with openclaw models auth paste-api-key --provider <id>." }));
    $("dashboard-meta").textContent = `Default model ${status.resolvedDefault}${status.fallbacks.length ? ` · fallbacks ${status.fallbacks.join(", ")}` : ""}`;
    if (focused) {
      const again = document.querySelector(`[data-key="${CSS.escape(focused)}"]`);
      if (again && !again.disabled) again.focus();
    }
  }

  function move(provider, list, index, by) {
    const draft = [...list];
    const [id] = draft.splice(index, 1);
    draft.splice(index + by, 0, id);
    drafts.set(provider, draft);
    render();
    const key = `${by < 0 ? "up" : "down"}:${id}`;
    const button = document.querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (button && !button.disabled) button.focus();
  }

  async function saveOrder(provider) {
    const draft = drafts.get(provider);
    if (!draft) return;
    try {
      const answer = await api("/api/order", { provider, order: draft });
      drafts.delete(provider);
      if (answer.order) orders.set(provider, answer.order);
      say(`Saved the order for ${provider}: ${draft.join(", ")}.`);
      render();
    } catch (error) {
      say(`Could not save the order: ${error.message}`, true);
    }
  }

  async function clearOrder(provider) {
    try {
      const answer = await api("/api/order", { provider, order: null });
      drafts.delete(provider);
      if (answer.order) orders.set(provider, answer.order);
      say(answer.cleared ? `Cleared the stored order for ${provider}.` : `No stored order for ${provider}.`);
      render();
    } catch (error) {
      say(`Could not clear the order: ${error.message}`, true);
    }
  }

  async function clearCooldown(profileId) {
    try {
      const answer = await api("/api/cooldowns/clear", { profileId });
      say(answer.cleared ? `Cleared the cooldown of ${profileId}.` : `${profileId} had no cooldown.`);
      await refreshStatus();
    } catch (error) {
      say(`Could not clear the cooldown: ${error.message}`, true);
    }
  }

  // ---- chat ---------------------------------------------------------------------------------
  function scrollTranscript() {
    const list = $("transcript");
    list.scrollTop = list.scrollHeight;
  }

  function addEntry(role, text) {
    const body = el("span", { className: "body", text });
    const item = el("li", { className: role }, el("span", { className: "who", text: role === "user" ? "You" : "Assistant" }), body);
    $("transcript").append(item);
    scrollTranscript();
    return { item, body };
  }

  function updateComposer() {
    $("send").disabled = Boolean(turn) || !wsLive;
    $("stop").hidden = !turn;
  }

  function sendMessage(event) {
    event.preventDefault();
    const text = $("message").value.trim();
    if (!text || turn) return;
    const session = $("session-key").value.trim() || "control-ui";
    const id = `t${++turnSeq}`;
    const user = { role: "user", content: text };
    if (!send({ type: "send", id, session, messages: [...history, user] })) {
      say("Not connected to the gateway's WebSocket yet.", true);
      return;
    }
    $("message").value = "";
    addEntry("user", text);
    const reply = addEntry("assistant", "");
    reply.item.classList.add("pending");
    turn = { id, user, text: "", command: text.startsWith("/"), ...reply };
    updateComposer();
  }

  function finishTurn(frame) {
    const current = turn;
    current.body.textContent = frame.text;
    current.item.classList.remove("pending");
    const served = [frame.model, frame.profile].filter(Boolean).join(" · ");
    if (served) current.item.append(el("span", { className: "meta", text: `served by ${served}${frame.fallbackFor ? ` (fallback for ${frame.fallbackFor})` : ""}` }));
    // Chat commands are answered by the gateway itself: they are not part of what the model sees.
    if (!current.command) history.push(current.user, { role: "assistant", content: frame.text });
    else if (/^\/(new|reset)\b/.test(current.user.content)) history = [];
    endTurn();
  }

  function failTurn(message) {
    const current = turn;
    current.item.classList.remove("pending");
    current.item.classList.add("error");
    current.body.textContent = current.text ? `${current.text}\n\n${message}` : message;
    endTurn();
  }

  function endTurn() {
    turn = null;
    updateComposer();
    scrollTranscript();
  }

  // ---- wiring -------------------------------------------------------------------------------
  $("login-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const value = $("token").value.trim();
    if (value) void signIn(value, true);
  });
  $("sign-out").addEventListener("click", () => signOut(""));
  $("chat-form").addEventListener("submit", sendMessage);
  $("message").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $("chat-form").requestSubmit();
    }
  });
  $("stop").addEventListener("click", () => turn && send({ type: "cancel", id: turn.id }));
  $("new-chat").addEventListener("click", () => {
    history = [];
    $("transcript").replaceChildren();
    $("message").focus();
  });
  setInterval(tick, 1000);
  setInterval(() => token && status && document.visibilityState === "visible" && void loadOrders(), ORDER_POLL_MS);
  document.addEventListener("visibilitychange", () => token && status && document.visibilityState === "visible" && void loadOrders());
  updateComposer();
  const stored = sessionStorage.getItem(TOKEN_KEY);
  if (stored) void signIn(stored, false);
  else $("token").focus();
})();
