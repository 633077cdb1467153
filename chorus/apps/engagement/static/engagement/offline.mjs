// The connector's form with no signal: conversations saved while offline are kept on this phone (IndexedDB)
// and sent when the signal returns (online event, page load, Send now). Each carries its submission key, so
// the server stores it once however often it is sent; one the server refuses stays here with its reason.
const DB_NAME = "chorus-offline";
const STORE = "outbox";

function openOutbox() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "submission_key" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function inOutbox(mode, act) {
  const db = await openOutbox();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = act(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(request.result);
    tx.onerror = () => reject(tx.error);
  });
}

// A phone may be shared: each person sees and sends only what they saved themselves.
const owner = document.querySelector("form[data-offline]")?.dataset.owner;
const allKept = async () => (await inOutbox("readonly", (store) => store.getAll())).filter((item) => item.owner === owner);
const keep = (item) => inOutbox("readwrite", (store) => store.put(item));
const forget = (key) => inOutbox("readwrite", (store) => store.delete(key));

function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const form = document.querySelector("form[data-offline]");
const box = document.getElementById("outbox");

if (form && box) {
  const words = box.dataset;
  const status = document.getElementById("draft-status");
  const list = document.getElementById("outbox-list");
  const count = document.getElementById("outbox-count");
  const sendButton = document.getElementById("outbox-send");
  const draftKey = `chorus-draft:${form.dataset.draft}`;
  const say = (message) => {
    status.textContent = message;
  };
  const counted = (one, many, n) => (n === 1 ? one : many.replace("{count}", n.toLocaleString("en-GB")));

  // A page kept for use offline may carry a key already sent: a form not restored from a draft gets its own.
  if (!localStorage.getItem(draftKey) && form.elements.text.value.trim() === "") {
    form.elements.submission_key.value = newKey();
  }

  const fieldsOf = () => {
    const data = {};
    for (const el of form.elements) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.disabled) continue;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) continue;
      data[el.name] = el.value;
    }
    return data;
  };

  const fillForm = (fields) => {
    for (const el of form.elements) {
      if (!el.name || el.name === "csrfmiddlewaretoken") continue;
      if (el.type === "radio" || el.type === "checkbox") el.checked = fields[el.name] === el.value;
      else if (el.name in fields) el.value = fields[el.name];
    }
  };

  const correct = (item) => {
    fillForm(item.fields);
    form.elements.submission_key.value = item.submission_key;
    form.dataset.correcting = item.submission_key;
    const field = (item.refused.field && form.elements[item.refused.field]) || form.elements.text;
    const target = field instanceof RadioNodeList ? field[0] : field;
    if (target.type === "hidden") form.elements.text.focus();
    else target.focus();
    say(`${words.correcting} ${item.refused.message}`);
  };

  const entry = (item) => {
    const li = document.createElement("li");
    li.className = "chorus-outbox__item";
    const said = document.createElement("span");
    const text = item.fields.text || "";
    said.textContent = text.length > 80 ? `${text.slice(0, 80)}…` : text;
    li.append(said);
    if (item.refused) {
      const reason = document.createElement("span");
      reason.className = "nhsuk-error-message";
      reason.id = `refused-${item.submission_key}`;
      reason.textContent = `${words.notSent} ${item.refused.message}`;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "nhsuk-button nhsuk-button--secondary nhsuk-button--small";
      button.textContent = words.correct;
      button.setAttribute("aria-describedby", reason.id);
      button.addEventListener("click", () => correct(item));
      li.append(reason, button);
    }
    return li;
  };

  const show = async () => {
    const items = (await allKept()).sort((a, b) => a.saved_at.localeCompare(b.saved_at));
    const waiting = items.filter((item) => !item.refused).length;
    const refused = items.length - waiting;
    list.replaceChildren(...items.map(entry));
    count.textContent = [
      waiting || !refused ? counted(words.waitingOne, words.waitingMany, waiting) : "",
      refused ? counted(words.toCorrectOne, words.toCorrectMany, refused) : "",
    ].join(" ").trim();
    box.hidden = items.length === 0;
    sendButton.hidden = waiting === 0;
  };

  let sending = false;
  const sendAll = async () => {
    if (sending) return;
    sending = true;
    try {
      const waiting = (await allKept()).filter((item) => !item.refused);
      if (waiting.length === 0) return;
      if (!navigator.onLine) return say(words.offline);
      let token;
      try {
        const answer = await fetch(form.dataset.tokenUrl, { cache: "no-store", headers: { Accept: "application/json" } });
        if (!answer.ok) return say(words.signedOut);
        token = (await answer.json()).csrfToken;
      } catch {
        return say(words.offline);
      }
      let sent = 0;
      let refused = 0;
      let stopped = "";
      for (const item of waiting) {
        let response;
        try {
          response = await fetch(item.send_url, {
            method: "POST",
            headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
            body: JSON.stringify({ ...item.fields, submission_key: item.submission_key }),
          });
        } catch {
          stopped = words.offline; // the signal went again: the rest wait for the next chance
          break;
        }
        const answer = await response.json().catch(() => ({}));
        if (response.status === 200 || response.status === 201) {
          await forget(item.submission_key);
          sent += 1;
        } else if (response.status === 400 || response.status === 422) {
          const reason = { field: answer.field || "", code: answer.code || "refused", message: answer.message || "" };
          await keep({ ...item, refused: reason });
          refused += 1;
        } else {
          stopped = response.status === 401 ? words.signedOut : words.failed;
          break;
        }
      }
      const report = [];
      if (sent) report.push(counted(words.sentOne, words.sentMany, sent));
      if (refused) report.push(counted(words.refusedOne, words.refusedMany, refused));
      if (stopped) report.push(stopped);
      say(report.join(" "));
    } finally {
      sending = false;
      await show();
    }
  };

  form.addEventListener("submit", async (event) => {
    if (navigator.onLine && !form.dataset.correcting) return; // with signal the server answers as usual
    event.preventDefault();
    const fields = fieldsOf();
    if (!(fields.text || "").trim()) {
      say(words.needsText);
      form.elements.text.focus();
      return;
    }
    const key = fields.submission_key || newKey();
    await keep({
      submission_key: key,
      owner,
      fields,
      send_url: form.dataset.sendUrl,
      saved_at: new Date().toISOString(),
      refused: null,
    });
    localStorage.removeItem(draftKey);
    form.reset();
    delete form.dataset.correcting;
    form.elements.submission_key.value = newKey();
    await show();
    say(`${words.kept} ${count.textContent}`);
    if (navigator.onLine) sendAll();
  });

  sendButton.addEventListener("click", sendAll);
  window.addEventListener("online", sendAll);
  show().then(() => {
    if (new URLSearchParams(window.location.search).has("kept")) say(words.kept);
    return sendAll();
  });
}
