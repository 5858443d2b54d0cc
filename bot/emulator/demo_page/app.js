// Demo chat page: drives the emulator's /_emulator control API. Every text goes through
// textContent (no HTML injection APIs), so nothing from the bot or users is interpreted as HTML.
"use strict";

const API = "/_emulator";
// Long-poll by default; `?short` polls once a second instead (handy for headless screenshots).
const LONG_POLL_SECONDS = new URLSearchParams(location.search).has("short") ? 0 : 20;
const state = {
  cursor: 0,
  messages: new Map(), // "chat:message" -> message view
  users: [],
  group: null,
  userId: null,
  counselorId: null,
  threadId: null, // null = General
  topicChosen: false, // until the counselor picks a topic, follow the newest one
};

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

async function call(method, path, body) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(API + path, options);
  const payload = await response.json();
  if (!payload.ok) throw new Error(payload.description || "request failed");
  return payload.result;
}

function setStatus(text, bad) {
  const status = document.getElementById("status");
  status.textContent = text;
  status.classList.toggle("bad", Boolean(bad));
  status.classList.remove("pending");
}

function userName(id) {
  const user = state.users.find((u) => u.id === id);
  return user ? user.first_name : String(id);
}

function memberIds() {
  return new Set((state.group ? state.group.members : []).map((m) => m.user_id));
}

function fillSelect(select, items, selected) {
  select.replaceChildren();
  for (const item of items) {
    const option = el("option", null, item.label);
    option.value = String(item.value);
    if (item.value === selected) option.selected = true;
    select.append(option);
  }
}

async function refreshState() {
  const world = await call("GET", "/state");
  state.users = world.users;
  state.group = world.groups[0] || null;
  const counselors = memberIds();
  const people = state.users.filter((u) => !counselors.has(u.id));
  if (state.userId === null && people.length) state.userId = people[0].id;
  if (state.counselorId === null && counselors.size) state.counselorId = [...counselors][0];
  fillSelect(document.getElementById("user-select"),
    people.map((u) => ({ value: u.id, label: `${u.first_name}${u.username ? " @" + u.username : ""}` })),
    state.userId);
  fillSelect(document.getElementById("counselor-select"),
    state.users.filter((u) => counselors.has(u.id)).map((u) => ({ value: u.id, label: u.first_name })),
    state.counselorId);
  const current = state.users.find((u) => u.id === state.userId);
  if (current) document.getElementById("lang-select").value = current.language_code || "en";
  document.getElementById("group-title").textContent = state.group ? state.group.title : "No counselors' group";
  renderTopics();
}

function renderTopics() {
  const list = document.getElementById("topic-list");
  list.replaceChildren();
  const topics = [{ thread_id: null, name: "General", closed: false, deleted: false }];
  if (state.group) topics.push(...state.group.topics.filter((t) => !t.deleted).reverse());
  if (state.threadId !== null && !topics.some((t) => t.thread_id === state.threadId)) state.threadId = null;
  if (!state.topicChosen && topics.length > 1) state.threadId = topics[1].thread_id;
  for (const topic of topics) {
    const item = el("button", "topic" + (topic.thread_id === state.threadId ? " active" : ""));
    item.type = "button";
    item.append(el("span", "topic-name", topic.name));
    item.querySelector(".topic-name").dir = "auto";
    if (topic.closed) item.append(el("span", "badge", "closed"));
    item.addEventListener("click", () => {
      state.threadId = topic.thread_id;
      state.topicChosen = true;
      renderTopics();
      renderGroup();
    });
    list.append(item);
  }
  const active = topics.find((t) => t.thread_id === state.threadId);
  document.getElementById("topic-title").textContent = active ? active.name : "General";
}

function mediaNode(message) {
  const src = `${API}/files/${encodeURIComponent(message.file_id)}`;
  if (message.kind === "video" || message.kind === "animation" || message.kind === "video_note") {
    const video = el("video", "media");
    video.controls = true;
    video.preload = "metadata";
    video.src = src;
    return video;
  }
  if (message.kind === "photo" || message.kind === "sticker") {
    const image = el("img", message.kind === "sticker" ? "sticker" : "media");
    image.alt = message.kind;
    image.src = src;
    return image;
  }
  if (message.kind === "voice" || message.kind === "audio") {
    const audio = el("audio", "media");
    audio.controls = true;
    audio.src = src;
    return audio;
  }
  return el("div", "kind", `[${message.kind}]`);
}

function bubble(message, mine, onPress) {
  if (message.service) return el("div", "service", message.service);
  const node = el("div", "bubble " + (mine ? "mine" : "theirs"));
  node.append(el("div", "sender", message.from_bot ? "Bot" : userName(message.sender_id)));
  if (message.kind !== "text") node.append(mediaNode(message));
  const text = message.kind === "text" ? message.text : message.caption;
  if (text) {
    const body = el("div", "text", text);
    body.dir = "auto";
    node.append(body);
  }
  const meta = el("div", "meta", new Date(message.date * 1000).toLocaleTimeString() + (message.edited ? " · edited" : ""));
  node.append(meta);
  if (message.buttons && message.buttons.length) {
    const keyboard = el("div", "keyboard");
    for (const row of message.buttons) {
      const line = el("div", "row");
      for (const button of row) {
        const key = el("button", "key", button.text);
        key.type = "button";
        key.dir = "auto";
        if (button.url) {
          key.title = button.url;
          key.addEventListener("click", () => window.open(button.url, "_blank", "noopener"));
        } else {
          key.addEventListener("click", () => onPress(message, button));
        }
        line.append(key);
      }
      keyboard.append(line);
    }
    node.append(keyboard);
  }
  return node;
}

function chatMessages(chatId, threadId) {
  return [...state.messages.values()]
    .filter((m) => m.chat_id === chatId && !m.deleted)
    .filter((m) => threadId === undefined || (m.thread_id ?? null) === threadId)
    .sort((a, b) => a.message_id - b.message_id);
}

function renderInto(containerId, messages, isMine, onPress) {
  const container = document.getElementById(containerId);
  const atBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 60;
  container.replaceChildren(...messages.map((m) => bubble(m, isMine(m), onPress)));
  if (!messages.length) container.append(el("div", "empty", "No messages yet."));
  if (atBottom) container.scrollTop = container.scrollHeight;
}

function showToast(text, alert) {
  const toast = el("div", "toast" + (alert ? " alert" : ""), text);
  toast.dir = "auto";
  document.body.append(toast);
  setTimeout(() => toast.remove(), alert ? 6000 : 3000);
}

// After a press, show the bot's answerCallbackQuery text the way Telegram shows it (a toast).
async function press(body) {
  try {
    const { callback_query_id: queryId } = await call("POST", "/press", body);
    for (let attempt = 0; attempt < 10; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const answers = await call("GET", "/answers");
      const record = answers.callback_queries.find((r) => r.query_id === queryId);
      if (record && record.answered) {
        if (record.answer.text) showToast(record.answer.text, record.answer.show_alert);
        return;
      }
    }
  } catch (err) {
    setStatus(err.message, true);
  }
}

function renderUser() {
  if (state.userId === null) return;
  renderInto("user-chat", chatMessages(state.userId), (m) => !m.from_bot, (message, button) =>
    press({ user_id: state.userId, message_id: message.message_id, data: button.callback_data }));
}

function renderGroup() {
  if (!state.group) return;
  renderInto("group-chat", chatMessages(state.group.id, state.threadId), (m) => m.sender_id === state.counselorId,
    (message, button) => press({
      user_id: state.counselorId, group_id: state.group.id, thread_id: message.thread_id,
      message_id: message.message_id, data: button.callback_data,
    }));
}

async function poll() {
  for (;;) {
    try {
      const result = await call("GET", `/changes?since=${state.cursor}&wait=${LONG_POLL_SECONDS}`);
      const first = state.cursor === 0;
      for (const message of result.messages) state.messages.set(`${message.chat_id}:${message.message_id}`, message);
      if (result.cursor !== state.cursor || first) {
        state.cursor = result.cursor;
        await refreshState();
        renderUser();
        renderGroup();
      }
      setStatus("live");
      if (!LONG_POLL_SECONDS) await new Promise((resolve) => setTimeout(resolve, 1000));
    } catch (err) {
      setStatus("emulator unreachable, retrying…", true);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

function wireForms() {
  const userInput = document.getElementById("user-input");
  document.getElementById("user-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = userInput.value.trim();
    if (!text || state.userId === null) return;
    userInput.value = "";
    call("POST", "/send", { user_id: state.userId, text }).catch((err) => setStatus(err.message, true));
  });
  for (const [id, kind] of [["send-sticker", "sticker"], ["send-photo", "photo"]]) {
    document.getElementById(id).addEventListener("click", () =>
      call("POST", "/send", { user_id: state.userId, kind }).catch((err) => setStatus(err.message, true)));
  }
  const groupInput = document.getElementById("group-input");
  document.getElementById("group-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = groupInput.value.trim();
    if (!text || !state.group) return;
    groupInput.value = "";
    call("POST", "/send", { user_id: state.counselorId, group_id: state.group.id, thread_id: state.threadId, text })
      .catch((err) => setStatus(err.message, true));
  });
  document.getElementById("user-select").addEventListener("change", (event) => {
    state.userId = Number(event.target.value);
    refreshState().then(renderUser);
  });
  document.getElementById("counselor-select").addEventListener("change", (event) => {
    state.counselorId = Number(event.target.value);
    renderGroup();
  });
  document.getElementById("lang-select").addEventListener("change", (event) => {
    call("POST", "/users", { id: state.userId, language_code: event.target.value })
      .catch((err) => setStatus(err.message, true));
  });
}

wireForms();
poll();
