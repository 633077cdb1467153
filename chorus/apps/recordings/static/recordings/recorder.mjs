// Record a conversation in the browser where the phone allows it (MediaRecorder and a microphone), and put
// the recording into the form's file field, so the same Upload button sends it. Without this script, or on a
// phone that cannot record, the page is a plain upload form.
const box = document.querySelector("[data-recorder]");
const input = box && box.parentElement.querySelector('input[type="file"]');
const canRecord =
  box && input && window.MediaRecorder && navigator.mediaDevices && navigator.mediaDevices.getUserMedia &&
  window.DataTransfer && window.isSecureContext;

const KINDS = [
  ["audio/webm;codecs=opus", "webm"],
  ["audio/webm", "webm"],
  ["audio/ogg;codecs=opus", "ogg"],
  ["audio/mp4", "m4a"],
];

if (canRecord) {
  const start = box.querySelector("[data-recorder-start]");
  const stop = box.querySelector("[data-recorder-stop]");
  const status = box.querySelector("[data-recorder-status]");
  const [mimeType, ending] = KINDS.find(([type]) => MediaRecorder.isTypeSupported(type)) || ["", "webm"];
  let recorder = null;
  let began = 0;
  let timer = 0;

  const minutes = (ms) => {
    const seconds = Math.round(ms / 1000);
    return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
  };

  box.hidden = false;
  start.addEventListener("click", async () => {
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      status.textContent = "This phone did not let Chorus use the microphone. Record with another app and upload the file.";
      return;
    }
    const chunks = [];
    recorder = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
    recorder.addEventListener("dataavailable", (event) => event.data.size && chunks.push(event.data));
    recorder.addEventListener("stop", () => {
      stream.getTracks().forEach((track) => track.stop());
      clearInterval(timer);
      const blob = new Blob(chunks, { type: recorder.mimeType || mimeType });
      const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, "-");
      const files = new DataTransfer();
      files.items.add(new File([blob], `conversation-${stamp}.${ending}`, { type: blob.type }));
      input.files = files.files;
      status.textContent = `Recorded ${minutes(Date.now() - began)}. Check the questions below, then upload it.`;
      start.textContent = "Record again";
      start.hidden = false;
      stop.hidden = true;
      start.focus();
    });
    recorder.start(1000);
    began = Date.now();
    status.textContent = "Recording…";
    timer = setInterval(() => (status.textContent = `Recording… ${minutes(Date.now() - began)}`), 5000);
    start.hidden = true;
    stop.hidden = false;
    stop.focus();
  });
  stop.addEventListener("click", () => recorder && recorder.state !== "inactive" && recorder.stop());
}
