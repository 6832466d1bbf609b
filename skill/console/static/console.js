// The console page: sends what is typed or pressed, shows each turn, plays its audio, follows the routine live.
// Times from Enter are taken here, in the browser (performance.now), and kept on each turn's card and in
// window.consoleTimings: "shown" when the reply has been put on the page and painted, "audio" when the reply's WAV
// can play through.
"use strict";

window.consoleTimings = [];

const $ = (id) => document.getElementById(id);
let queue = Promise.resolve(); // one turn at a time, in the order they were asked for
let replayBusy = false;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function settings() {
  return {
    locale: $("locale").value,
    device: $("device").value,
    user: $("user").value.trim(),
    speed: Number($("speed").value),
  };
}

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({error: `HTTP ${response.status}`}));
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

function showError(message) {
  const box = $("error");
  box.textContent = message || "";
  box.hidden = !message;
}

function nextPaint() {
  // The frame after the next: the card has been laid out and painted by then.
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
}

// --- turns -----------------------------------------------------------------------------------------------------
function send(kind, text) {
  const started = performance.now();
  queue = queue.then(async () => {
    showError("");
    let answer;
    try {
      answer = await post("/console/turn", {kind, text, settings: settings()});
    } catch (error) {
      showError(error.message);
      return;
    }
    for (const note of answer.notes || []) addNote(note);
    if (!answer.turn) return;
    const card = addTurn(answer.turn);
    await nextPaint();
    const shown = performance.now() - started;
    card.dataset.replyMs = shown.toFixed(1);
    const timing = {turn: answer.turn.number, heard: answer.turn.heard, reply_ms: shown,
                    server_ms: answer.turn.server_ms, audio_ms: null};
    window.consoleTimings.push(timing);
    card.querySelector(".timing").textContent = `reply shown ${shown.toFixed(0)} ms after Enter`;
    if (answer.turn.audio) attachAudio(card, answer.turn.audio, started, timing);
  });
  return queue;
}

function attachAudio(card, url, started, timing) {
  const audio = card.querySelector("audio");
  audio.addEventListener("canplaythrough", () => {
    if (card.dataset.audioMs) return;
    if (started !== null) {
      const ready = performance.now() - started;
      card.dataset.audioMs = ready.toFixed(1);
      timing.audio_ms = ready;
      card.querySelector(".timing").textContent += ` · audio ready ${ready.toFixed(0)} ms after Enter`;
    } else {
      card.dataset.audioMs = "0";
    }
    if ($("autoplay").checked) {
      quiet();
      audio.play().catch(() => {});
    }
  }, {once: true});
  audio.addEventListener("error", () => { card.dataset.audioError = "true"; }, {once: true});
  audio.src = url;
  audio.load();
}

function quiet() {
  // One reply plays at a time, as on an Echo: a newer one, or typing, cuts the one playing short.
  for (const audio of document.querySelectorAll("#turns audio")) audio.pause();
}

function addNote(text) {
  const note = element("p", "system-note", text);
  $("turns").append(note);
  note.scrollIntoView({block: "end"});
}

function fact(list, key, label, value) {
  const row = element("div", "fact");
  row.dataset.fact = key;
  row.append(element("dt", null, label), element("dd", null, value));
  list.append(row);
}

function envelope(title, value) {
  const box = element("details", "envelope");
  box.append(element("summary", null, title));
  const copy = element("button", "copy", "Copy");
  copy.type = "button";
  const text = JSON.stringify(value, null, 2);
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch (error) {
      const range = document.createRange();
      range.selectNodeContents(box.querySelector("pre"));
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      document.execCommand("copy");
    }
    copy.textContent = "Copied";
    setTimeout(() => { copy.textContent = "Copy"; }, 1500);
  });
  box.append(copy, element("pre", null, text));
  return box;
}

function slotsText(slots) {
  if (!slots.length) return "none";
  return slots.map((slot) => `${slot.name} = "${slot.value}"` + (slot.id ? ` (id ${slot.id})` : "")).join(", ");
}

function routineText(routine) {
  if (!routine) return "none";
  const of = routine.steps ? ` of ${routine.steps}` : "";
  return `${routine.name}, step ${routine.step}${of} (${routine.status})`;
}

function turnCard(turn) {
  const card = element("article", "turn");
  card.dataset.turn = turn.number;
  card.dataset.kind = turn.kind;
  card.dataset.intent = turn.intent || "";
  card.dataset.triage = turn.triage || "none";
  if (turn.triage === "emergency" || turn.triage === "urgent") {
    card.classList.add(turn.triage);
    const banner = element("div", "banner");
    banner.append(element("span", "tier", turn.triage === "emergency" ? "EMERGENCY" : "SAME DAY"),
                  element("strong", "first-sentence", turn.first_sentence));
    card.append(banner);
  }
  const heard = turn.kind === "alarm" ? "(the heat alarm rings)"
    : turn.kind === "hands_free" ? "(hands-free: the routine carries on)"
    : turn.heard ? `“${turn.heard}”` : "(no words)";
  const head = element("div", "heard");
  head.append(element("span", "who", turn.kind === "session_ended" ? "Alexa" : "You"), element("span", null, heard));
  card.append(head);

  const facts = element("dl", "facts");
  fact(facts, "request", "Request", turn.request_type || "nothing sent");
  if (turn.intent) fact(facts, "intent", "Intent", turn.intent);
  if (turn.request_type === "IntentRequest") fact(facts, "slots", "Slots", slotsText(turn.slots));
  fact(facts, "triage", "Triage", turn.triage || "none");
  fact(facts, "routine", "Routine", routineText(turn.routine));
  if (turn.question) fact(facts, "question", "Waiting on", turn.question);
  fact(facts, "session", "Session", turn.end_session ? "ended" : "open");
  card.append(facts);

  if (turn.speech) card.append(element("p", "speech", turn.speech));
  if (turn.reprompt) card.append(element("p", "reprompt", `Reprompt: ${turn.reprompt}`));
  const sound = element("div", "sound");
  if (turn.audio) {
    const audio = element("audio");
    audio.controls = true;
    audio.preload = "auto";
    sound.append(audio);
  }
  sound.append(element("span", "timing"));
  card.append(sound);
  if (turn.request) card.append(envelope("Request envelope", turn.request));
  if (turn.response) card.append(envelope("Response envelope", turn.response));
  return card;
}

function addTurn(turn) {
  const card = turnCard(turn);
  $("turns").append(card);
  card.scrollIntoView({block: "end"});
  showScreen(turn);
  return card;
}

// --- the Echo Show preview -------------------------------------------------------------------------------------
function showScreen(turn) {
  const screen = $("screen");
  const note = $("screen-note");
  if (turn.device !== "echo show") {
    screen.replaceChildren();
    $("screen-frame").hidden = true;
    note.textContent = "Voice only: no screen. Choose Echo Show to see what it would show.";
    return;
  }
  $("screen-frame").hidden = false;
  if (turn.screen) {
    if (turn.screen.html) {
      screen.innerHTML = turn.screen.html; // drawn on the server from the document, every text escaped there
      const frame = $("screen-frame");
      const scale = frame.clientWidth / turn.screen.width;
      screen.style.transform = `scale(${scale})`;
      frame.style.height = `${turn.screen.height * scale}px`;
      note.textContent = `Turn ${turn.number}: ${turn.screen.token}`;
    } else {
      screen.replaceChildren();
      note.textContent = `Turn ${turn.number}: the preview cannot draw this document (${turn.screen.problem})`;
    }
    $("screen-datasource").textContent = JSON.stringify(turn.screen.datasources, null, 2);
  } else if (turn.end_session || turn.kind === "session_ended") {
    screen.replaceChildren();
    note.textContent = `Turn ${turn.number}: the session ended, and the screen goes back to the home screen.`;
  }
}

// --- live routine progress (server-sent events) ---------------------------------------------------------------
function showProgress(progress) {
  const box = $("progress");
  box.replaceChildren();
  for (const where of progress.where) box.append(element("p", "where", where));
  if (progress.counts.length) {
    const counts = element("p", "counts");
    for (const count of progress.counts) counts.append(element("span", "count", count));
    box.append(counts);
  }
  if (progress.heat) box.append(element("p", "heat", `Heat: ${progress.heat} left`));
  if (!box.childElementCount) box.append(element("p", "note", "No routine running."));
}

function follow() {
  const events = new EventSource("/console/events");
  events.addEventListener("progress", (event) => showProgress(JSON.parse(event.data)));
  events.addEventListener("turn", (event) => {
    const turn = JSON.parse(event.data);
    const card = addTurn(turn);
    if (turn.audio) attachAudio(card, turn.audio, null, {});
  });
}

// --- replays ---------------------------------------------------------------------------------------------------
function showReplay(loaded) {
  const list = $("replay-turns");
  list.replaceChildren();
  for (const turn of loaded.turns) {
    const row = element("li", "replay-turn pending");
    row.dataset.number = turn.number;
    row.append(element("span", "mark", "·"), element("span", "say", `${turn.say}`),
               element("span", "line", `line ${turn.line}`));
    list.append(row);
  }
  const title = loaded.title ? `${loaded.title} (${loaded.name})` : loaded.name;
  $("replay-summary").textContent = `${title}: ${loaded.turns.length} turns, ${loaded.locale}, ${loaded.device}`;
  $("replay-step").disabled = $("replay-all").disabled = false;
}

async function loadReplay(body) {
  showError("");
  try {
    showReplay(await post("/console/replay/load", body));
  } catch (error) {
    showError(error.message);
  }
}

async function stepReplay() {
  const answer = await post("/console/replay/step", {});
  const result = answer.result;
  if (result) {
    const row = document.querySelector(`#replay-turns li[data-number="${result.number}"]`);
    row.classList.remove("pending");
    row.classList.add(result.passed ? "pass" : "fail");
    row.dataset.passed = String(result.passed);
    row.querySelector(".mark").textContent = result.passed ? "✓" : "✗";
    const turn = result.turn;
    const got = element("div", "got", [turn.intent || turn.request_type || "nothing sent",
                                       turn.triage ? `triage ${turn.triage}` : null].filter(Boolean).join(", "));
    row.append(got);
    for (const mismatch of result.mismatches) {
      row.append(element("div", "mismatch",
                         `${mismatch.what}: expected ${mismatch.expected}, got ${mismatch.got}`));
    }
    if (!result.passed && turn.speech) row.append(element("div", "reply", `Reply: ${turn.speech}`));
  }
  if (answer.done) {
    $("replay-step").disabled = $("replay-all").disabled = true;
    const rows = [...document.querySelectorAll("#replay-turns li")];
    const failed = rows.filter((row) => row.classList.contains("fail")).length;
    $("replay-summary").textContent = failed ? `${failed} of ${rows.length} turns failed`
      : `all ${rows.length} turns passed`;
  }
  return answer.done;
}

async function replayAction(all) {
  if (replayBusy) return;
  replayBusy = true;
  showError("");
  try {
    while (!(await stepReplay()) && all) { /* the next turn */ }
  } catch (error) {
    showError(error.message);
  } finally {
    replayBusy = false;
  }
}

// --- start -----------------------------------------------------------------------------------------------------
function caregiverLink() {
  const {user, locale} = settings();
  $("caregiver-link").href = `/progress?user=${encodeURIComponent(user)}&locale=${encodeURIComponent(locale)}`;
}

async function start() {
  const state = await (await fetch("/console/state")).json();
  for (const locale of state.locales) $("locale").append(new Option(locale, locale));
  $("locale").value = state.settings.locale;
  $("device").value = state.settings.device;
  $("user").value = state.settings.user;
  $("speed").value = String(state.settings.speed);
  for (const name of state.replays) $("replay-name").append(new Option(name, name));
  if (!state.replays.length) $("replay-name").append(new Option("(no --replays folder)", ""));
  if (!state.voice) addNote(`No voice: replies are text only (${state.voice_problem || "--no-voice"}).`);
  caregiverLink();
  for (const id of ["user", "locale"]) $(id).addEventListener("change", caregiverLink);
  $("device").addEventListener("change", () => showScreen({device: $("device").value}));
  showScreen({device: state.settings.device});

  $("say-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("utterance").value;
    if (!text.trim()) return;
    $("utterance").value = "";
    quiet();
    send("utterance", text);
  });
  $("launch").addEventListener("click", () => send("launch"));
  $("new-session").addEventListener("click", () => send("new_session"));
  $("session-ended").addEventListener("click", () => send("session_ended"));
  $("replay-load").addEventListener("click", () => {
    if ($("replay-name").value) loadReplay({name: $("replay-name").value});
  });
  $("replay-file").addEventListener("change", async () => {
    const file = $("replay-file").files[0];
    if (file) loadReplay({upload_name: file.name, text: await file.text()});
  });
  $("replay-step").addEventListener("click", () => replayAction(false));
  $("replay-all").addEventListener("click", () => replayAction(true));
  follow();
  document.body.dataset.ready = "true";
  $("utterance").focus();
}

start().catch((error) => showError(`The console could not start: ${error.message}`));
