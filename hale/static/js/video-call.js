// Hale video sessions: the pre-call check and the call of hale/templates/video/_call.html.
//
// One signalling WebSocket (the room's ws_url, opened on page load: it is also the network
// check) relays WebRTC descriptions and ICE candidates; media goes peer to peer or through
// TURN. Negotiation follows MDN's "perfect negotiation": either side may offer, the polite
// side (the patient, told by "welcome") gives way when offers collide.
//
// Signals carry ids (see "peer connection" below), so that a page tells the other side's
// new connection (a reload: start afresh) from a late message of one already replaced
// (dropped). Signals that reach the patient's page while it is still in the pre-call check
// are kept and replayed on "Join now", so an offer made by the side that joined first is
// never lost.
//
// The page keeps working when the signalling socket drops (media does not use it): it
// reconnects with back-off, keeps the connection while it is alive and restarts ICE when the
// network path fails. No inline scripts or handlers (strict CSP). window.haleCall is for tests.

const FATAL_CLOSE_CODES = new Set([4401, 4403, 4404, 4408, 4409]);
const MAX_BACKOFF_MS = 10_000;
const CONNECT_TIMEOUT_MS = 20_000;
const DISCONNECTED_GRACE_MS = 3_000;
const STATS_INTERVAL_MS = 2_000;
const GATHER_TIMEOUT_MS = 6_000;
const BLUR_LOAD_TIMEOUT_MS = 20_000;
const BLUR_FPS = 20;
const MAX_QUEUED = 300;

const root = document.querySelector("[data-video-call]");
const supported =
  typeof RTCPeerConnection === "function" && typeof MediaStream === "function" && "WebSocket" in window;
// Unsupported: the template's fallback (use another browser, other ways to reach them) stays.
if (root && supported) start(root);

function start(root) {
  const $ = (selector) => root.querySelector(selector);
  const messages = {};
  root.querySelectorAll("[data-msg]").forEach((el) => {
    messages[el.dataset.msg] = el.textContent.trim();
  });
  const t = (key, values = {}) =>
    (messages[key] ?? key).replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));

  const el = {
    fallback: $("[data-video-fallback]"),
    status: $("[data-status]"),
    fatal: $("[data-fatal]"),
    fatalText: $("[data-fatal-text]"),
    timeout: $('[data-guidance="timeout"]'),
    precall: $("[data-precall]"),
    preview: $("#video-preview"),
    devices: $("[data-devices]"),
    devicesCall: $("[data-devices-call]"),
    speakerField: $("[data-speaker-field]"),
    meter: $("[data-mic-meter]"),
    checkMedia: $("[data-check-media]"),
    checkNetwork: $("[data-check-network]"),
    join: $("[data-join]"),
    recheck: $("[data-recheck]"),
    room: $("[data-room]"),
    roomHeading: $("#video-room-heading"),
    remote: $("#video-remote"),
    local: $("#video-local"),
    stageMessage: $("[data-stage-message]"),
    play: $("[data-play]"),
    quality: $("[data-quality]"),
    qualityText: $("[data-quality-text]"),
    mic: $('[data-toggle="mic"]'),
    camera: $('[data-toggle="camera"]'),
    share: $('[data-toggle="share"]'),
    blur: $('[data-toggle="blur"]'),
    blurNote: $("[data-blur-note]"),
    leave: $("[data-leave]"),
    retry: $("[data-retry]"),
    selects: {
      videoinput: $('[data-device-select="videoinput"]'),
      audioinput: $('[data-device-select="audioinput"]'),
      audiooutput: $('[data-device-select="audiooutput"]'),
    },
  };
  const guidance = {};
  root.querySelectorAll("[data-precall] [data-guidance]").forEach((block) => {
    guidance[block.dataset.guidance] = block;
  });

  const iceConfig = readIceConfig();
  const hasIceServers = (iceConfig.iceServers || []).length > 0;
  const relayOnly = iceConfig.iceTransportPolicy === "relay";

  const call = {
    state: "precall",
    joined: false,
    polite: root.dataset.role === "patient",
    peerPresent: false,
    peerLeft: false,
    socket: null,
    welcomed: false,
    everWelcomed: false,
    reconnecting: false,
    attempts: 0,
    reconnectTimer: null,
    fatal: null,
    leaving: false,
    outbox: [],
    inbox: [],
    conn: null,
    pageId: newId(),
    generation: 0,
    retiredPages: new Set(),
    retiredConnections: new Set(),
    unanswered: new Set(),
    chain: Promise.resolve(),
    camera: null,
    mic: null,
    screen: null,
    blur: null,
    blurOn: false,
    blurUnavailable: false,
    micMuted: false,
    cameraOff: false,
    speakerId: "",
    sendStream: new MediaStream(),
    connectTimer: null,
    timedOut: false,
    quality: null,
    lastStats: null,
    mediaCheck: "pending",
    socketCheck: "pending",
    iceCheck: null,
    reconnects: 0,
  };

  // --- small helpers ----------------------------------------------------------------------

  function readIceConfig() {
    const node = document.getElementById("video-ice-config");
    try {
      const config = JSON.parse(node?.textContent || "{}");
      return { iceServers: config.iceServers || [], iceTransportPolicy: config.iceTransportPolicy || "all" };
    } catch {
      return { iceServers: [], iceTransportPolicy: "all" };
    }
  }

  function newId() {
    const bytes = new Uint8Array(9);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function setStatus(text) {
    if (el.status.textContent !== text) el.status.textContent = text;
  }

  // A one-off announcement (a toggle, a device change) in the polite live region. The
  // lasting state comes back a few seconds later, or at once when it changes.
  let announcing = null;
  function announce(text) {
    window.clearTimeout(announcing);
    el.status.textContent = "";
    el.status.textContent = text;
    announcing = window.setTimeout(() => {
      announcing = null;
      render();
    }, 4000);
  }

  function setPressed(button, pressed) {
    button.setAttribute("aria-pressed", pressed ? "true" : "false");
  }

  function setResult(node, result, text) {
    node.dataset.result = result;
    node.textContent = text;
  }

  function browserFamily() {
    const ua = navigator.userAgent;
    if (/Firefox\//.test(ua)) return "firefox";
    if (/Safari\//.test(ua) && !/Chrom(e|ium)\/|Edg\//.test(ua)) return "safari";
    return "chrome";
  }

  // --- local media ------------------------------------------------------------------------

  function videoConstraints(deviceId) {
    return {
      ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
      width: { ideal: 1280 },
      height: { ideal: 720 },
      frameRate: { ideal: 24, max: 30 },
    };
  }

  function audioConstraints(deviceId) {
    return {
      ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
    };
  }

  function classify(error) {
    switch (error?.name) {
      case "NotAllowedError":
      case "SecurityError":
      case "PermissionDeniedError":
        return "denied";
      case "NotFoundError":
      case "OverconstrainedError":
      case "DevicesNotFoundError":
        return "notfound";
      case "NotReadableError":
      case "TrackStartError":
      case "AbortError":
        return "inuse";
      default:
        return "failed";
    }
  }

  // Camera and microphone together, or whichever of them works on its own.
  async function openMedia() {
    const md = navigator.mediaDevices;
    if (!md?.getUserMedia) return { audio: null, video: null, problem: "unsupported" };
    const audioId = el.selects.audioinput.value;
    const videoId = el.selects.videoinput.value;
    try {
      const stream = await md.getUserMedia({
        audio: audioConstraints(audioId),
        video: videoConstraints(videoId),
      });
      return { audio: stream.getAudioTracks()[0] || null, video: stream.getVideoTracks()[0] || null };
    } catch (error) {
      const problem = classify(error);
      if (problem === "denied") return { audio: null, video: null, problem };
      const [audio, video] = await Promise.allSettled([
        md.getUserMedia({ audio: audioConstraints(audioId) }),
        md.getUserMedia({ video: videoConstraints(videoId) }),
      ]);
      const got = (result, kind) =>
        result.status === "fulfilled" ? result.value.getTracks().find((tr) => tr.kind === kind) : null;
      const failures = [audio, video].filter((r) => r.status === "rejected").map((r) => classify(r.reason));
      return {
        audio: got(audio, "audio"),
        video: got(video, "video"),
        problem: failures.includes("denied")
          ? "denied"
          : failures.includes("inuse")
            ? "inuse"
            : failures[0] || problem,
      };
    }
  }

  async function checkMedia() {
    setResult(el.checkMedia, "pending", t("checking"));
    Object.values(guidance).forEach((block) => {
      if (block.dataset.guidance !== "network") block.hidden = true;
    });
    const { audio, video, problem } = await openMedia();
    setCamera(video);
    setMic(audio);
    await refreshDevices();
    if (audio && video) {
      call.mediaCheck = "ok";
      setResult(el.checkMedia, "ok", t("media-ok"));
    } else if (audio || video) {
      call.mediaCheck = "partial";
      setResult(el.checkMedia, "warn", t(audio ? "media-mic-only" : "media-camera-only"));
    } else {
      call.mediaCheck = problem || "failed";
      setResult(el.checkMedia, "failed", t(`media-${call.mediaCheck}`));
    }
    const block = guidance[problem === "failed" ? "inuse" : problem];
    if (!(audio && video) && block) {
      block.hidden = false;
      if (problem === "denied") {
        const family = browserFamily();
        block.querySelectorAll("[data-browser]").forEach((item) => {
          item.hidden = item.dataset.browser !== family;
        });
      }
    }
    el.recheck.hidden = Boolean(audio && video);
    render();
  }

  function replaceLocal(kind, track) {
    const old = kind === "video" ? call.camera : call.mic;
    if (old && old !== track) old.stop();
    if (kind === "video") call.camera = track;
    else call.mic = track;
  }

  function setCamera(track) {
    replaceLocal("video", track);
    if (track) {
      track.enabled = !call.cameraOff;
      track.addEventListener("ended", () => {
        if (call.camera === track) refreshDevices();
      });
    }
    if (call.blurOn && call.blur?.kind === "model") call.blur.setSource(track);
    if (call.blurOn && call.blur?.kind === "native" && track) {
      track.applyConstraints({ advanced: [{ backgroundBlur: true }] }).catch(() => {});
    }
    showLocalVideo();
    updateOutgoing("video");
  }

  function setMic(track) {
    replaceLocal("audio", track);
    if (track) track.enabled = !call.micMuted;
    meter.attach(track);
    updateOutgoing("audio");
  }

  function outgoing(kind) {
    if (kind === "audio") return call.mic;
    if (call.screen) return call.screen;
    if (call.blurOn && call.blur?.track) return call.blur.track;
    return call.camera;
  }

  function showLocalVideo() {
    const track = outgoing("video");
    const stream = track ? new MediaStream([track]) : null;
    for (const video of [el.preview, el.local]) {
      if (video.srcObject?.getVideoTracks()[0] !== track) video.srcObject = stream;
    }
    root.dataset.preview = track ? "on" : "off";
    root.dataset.sharing = call.screen ? "on" : "off";
  }

  async function refreshDevices() {
    if (!navigator.mediaDevices?.enumerateDevices) return;
    let devices = [];
    try {
      devices = await navigator.mediaDevices.enumerateDevices();
    } catch {
      return;
    }
    const current = {
      videoinput: call.camera?.getSettings().deviceId || el.selects.videoinput.value,
      audioinput: call.mic?.getSettings().deviceId || el.selects.audioinput.value,
      audiooutput: call.speakerId,
    };
    const labels = { videoinput: "camera-n", audioinput: "microphone-n", audiooutput: "speaker-n" };
    for (const [kind, select] of Object.entries(el.selects)) {
      const found = devices.filter((d) => d.kind === kind && d.deviceId);
      select.replaceChildren();
      if (!found.length) {
        const option = new Option(kind === "audiooutput" ? t("device-default") : t("device-none"), "");
        select.append(option);
        select.disabled = kind !== "audiooutput";
        continue;
      }
      select.disabled = false;
      found.forEach((device, index) => {
        const option = new Option(device.label || t(labels[kind], { n: index + 1 }), device.deviceId);
        option.selected = device.deviceId === current[kind];
        select.append(option);
      });
    }
    const canChooseSpeaker = "setSinkId" in HTMLMediaElement.prototype;
    el.speakerField.hidden = !canChooseSpeaker || !devices.some((d) => d.kind === "audiooutput" && d.deviceId);
  }

  async function switchDevice(kind) {
    const select = el.selects[kind];
    const deviceId = select.value;
    if (kind === "audiooutput") {
      call.speakerId = deviceId;
      try {
        if (el.remote.setSinkId) await el.remote.setSinkId(deviceId);
        announce(t("device-changed"));
      } catch {
        announce(t("device-failed"));
      }
      return;
    }
    const isVideo = kind === "videoinput";
    const constraints = isVideo ? { video: videoConstraints(deviceId) } : { audio: audioConstraints(deviceId) };
    const open = () => navigator.mediaDevices.getUserMedia(constraints);
    let stream;
    try {
      stream = await open();
    } catch (error) {
      // Some cameras open only once: let go of the current one and try again.
      const current = isVideo ? call.camera : call.mic;
      if (classify(error) !== "inuse" || !current) {
        announce(t("device-failed"));
        await refreshDevices();
        return;
      }
      current.stop();
      try {
        stream = await open();
      } catch {
        announce(t("device-failed"));
        await checkMedia();
        return;
      }
    }
    if (isVideo) setCamera(stream.getVideoTracks()[0]);
    else setMic(stream.getAudioTracks()[0]);
    if (call.mediaCheck !== "ok" && call.camera && call.mic) await checkMedia();
    announce(t("device-changed"));
  }

  // Microphone level: an AnalyserNode's RMS shown on the <meter>. The AudioContext may start
  // suspended (autoplay rules) until the first click or key press.
  const meter = (() => {
    let context = null;
    let source = null;
    let analyser = null;
    let timer = null;
    const data = new Float32Array(1024);

    function resume() {
      if (context?.state === "suspended") context.resume().catch(() => {});
    }
    document.addEventListener("pointerdown", resume, { capture: true });
    document.addEventListener("keydown", resume, { capture: true });

    function tick() {
      if (!analyser) return;
      analyser.getFloatTimeDomainData(data);
      let sum = 0;
      for (const sample of data) sum += sample * sample;
      const rms = Math.sqrt(sum / data.length);
      const value = Math.min(100, Math.round(rms * 400));
      el.meter.value = value;
      el.meter.textContent = String(value);
    }

    function attach(track) {
      source?.disconnect();
      source = null;
      window.clearInterval(timer);
      timer = null;
      el.meter.value = 0;
      if (!track) return;
      const AudioContextClass = window.AudioContext || window.webkitAudioContext;
      if (!AudioContextClass) return;
      try {
        context ||= new AudioContextClass();
        analyser ||= Object.assign(context.createAnalyser(), { fftSize: 2048 });
        source = context.createMediaStreamSource(new MediaStream([track]));
        source.connect(analyser);
        resume();
        timer = window.setInterval(tick, 100);
      } catch {
        // No level meter in this browser; the call works without it.
      }
    }

    function stop() {
      source?.disconnect();
      window.clearInterval(timer);
      timer = null;
    }

    return { attach, stop };
  })();

  // A short tone through the chosen speaker (a generated WAV, so setSinkId can route it).
  let toneUrl = null;
  function makeTone() {
    const rate = 44_100;
    const samples = Math.round(rate * 0.7);
    const buffer = new ArrayBuffer(44 + samples * 2);
    const view = new DataView(buffer);
    const text = (offset, value) => [...value].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
    text(0, "RIFF");
    view.setUint32(4, 36 + samples * 2, true);
    text(8, "WAVE");
    text(12, "fmt ");
    view.setUint32(16, 16, true);
    view.setUint16(20, 1, true);
    view.setUint16(22, 1, true);
    view.setUint32(24, rate, true);
    view.setUint32(28, rate * 2, true);
    view.setUint16(32, 2, true);
    view.setUint16(34, 16, true);
    text(36, "data");
    view.setUint32(40, samples * 2, true);
    for (let i = 0; i < samples; i++) {
      const fade = Math.min(1, i / 2000, (samples - i) / 2000);
      const value = Math.sin((2 * Math.PI * 660 * i) / rate) * 0.35 * fade;
      view.setInt16(44 + i * 2, value * 0x7fff, true);
    }
    return URL.createObjectURL(new Blob([buffer], { type: "audio/wav" }));
  }

  async function playTestTone() {
    toneUrl ||= makeTone();
    const audio = new Audio(toneUrl);
    try {
      if (call.speakerId && audio.setSinkId) await audio.setSinkId(call.speakerId);
      await audio.play();
      announce(t("tone-playing"));
    } catch {
      announce(t("tone-failed"));
    }
  }

  // --- network check ----------------------------------------------------------------------

  async function gatherCandidates() {
    const types = new Set();
    let pc;
    try {
      pc = new RTCPeerConnection(iceConfig);
    } catch {
      return types;
    }
    pc.addEventListener("icecandidate", ({ candidate }) => {
      if (!candidate?.candidate) return;
      const type = candidate.type || /\btyp (\w+)/.exec(candidate.candidate)?.[1];
      if (type) types.add(type);
    });
    try {
      pc.createDataChannel("check");
      await pc.setLocalDescription();
      await new Promise((resolve) => {
        if (pc.iceGatheringState === "complete") resolve();
        pc.addEventListener("icegatheringstatechange", () => {
          if (pc.iceGatheringState === "complete") resolve();
        });
        window.setTimeout(resolve, GATHER_TIMEOUT_MS);
      });
    } catch {
      // Reported as no candidates below.
    } finally {
      pc.close();
    }
    return types;
  }

  async function checkNetwork() {
    call.iceCheck = null;
    renderNetworkCheck();
    call.iceCheck = await gatherCandidates();
    renderNetworkCheck();
  }

  function renderNetworkCheck() {
    const node = el.checkNetwork;
    let problem = false;
    if (call.socketCheck === "failed") {
      setResult(node, "failed", t("net-unreachable"));
      problem = true;
    } else if (call.socketCheck === "pending" || call.iceCheck === null) {
      setResult(node, "pending", t("net-checking"));
    } else {
      const types = call.iceCheck;
      if (types.has("relay")) setResult(node, "ok", t("net-ok-relay"));
      else if (relayOnly) {
        setResult(node, "failed", t("net-no-relay"));
        problem = true;
      } else if (types.has("srflx") || types.has("prflx")) setResult(node, "ok", t("net-ok-direct"));
      else if (types.size && !hasIceServers) setResult(node, "ok", t("net-ok"));
      else if (types.size) setResult(node, "warn", t("net-local-only"));
      else {
        setResult(node, "failed", t("net-unreachable"));
        problem = true;
      }
    }
    if (guidance.network) guidance.network.hidden = !problem;
  }

  // --- signalling socket ------------------------------------------------------------------

  function connect() {
    window.clearTimeout(call.reconnectTimer);
    call.reconnectTimer = null;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    let socket;
    try {
      socket = new WebSocket(`${scheme}//${location.host}${root.dataset.wsUrl}`);
    } catch {
      scheduleReconnect();
      return;
    }
    call.socket = socket;
    call.welcomed = false;
    socket.addEventListener("message", (event) => {
      if (socket !== call.socket) return;
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      onMessage(message);
    });
    socket.addEventListener("close", (event) => {
      if (socket === call.socket) onClose(event);
    });
  }

  function onClose(event) {
    call.welcomed = false;
    if (call.leaving) return;
    if (FATAL_CLOSE_CODES.has(event.code)) {
      stopForGood(event.code);
      return;
    }
    if (!call.everWelcomed) {
      call.socketCheck = "failed";
      renderNetworkCheck();
    }
    scheduleReconnect();
  }

  function scheduleReconnect() {
    if (call.reconnectTimer !== null || call.fatal || call.leaving) return;
    const delay = Math.min(1000 * 2 ** call.attempts, MAX_BACKOFF_MS);
    call.attempts += 1;
    call.reconnecting = call.everWelcomed;
    call.reconnectTimer = window.setTimeout(connect, delay);
    render();
  }

  // Sent now, or when the socket is back ("leave" only now: it is no use later).
  function send(message) {
    const socket = call.socket;
    if (socket && call.welcomed && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(message));
      return;
    }
    if (message.type === "leave") return;
    call.outbox.push(message);
    if (call.outbox.length > MAX_QUEUED) call.outbox.shift();
  }

  function sendEvent(name) {
    send({ type: "event", name });
  }

  function onMessage(message) {
    switch (message.type) {
      case "welcome":
        onWelcome(message);
        break;
      case "peer-joined":
        call.peerPresent = true;
        call.peerLeft = false;
        if (call.joined) enqueue(onPeerJoined);
        break;
      case "peer-left":
        call.peerPresent = false;
        break;
      case "signal":
        if (message.data && typeof message.data === "object") onSignal(message.data);
        break;
      default:
        break;
    }
    render();
  }

  function onWelcome(message) {
    const again = call.everWelcomed;
    call.welcomed = true;
    call.everWelcomed = true;
    call.reconnecting = false;
    call.attempts = 0;
    if (!call.joined) call.polite = Boolean(message.polite);
    call.peerPresent = Boolean(message.peer_present);
    call.socketCheck = "ok";
    renderNetworkCheck();
    call.outbox.splice(0).forEach(send);
    if (again) {
      call.reconnects += 1;
      sendEvent("reconnected");
      announce(t("reconnected"));
      if (call.joined) enqueue(afterReconnect);
    }
  }

  // --- peer connection --------------------------------------------------------------------
  //
  // The impolite side (the specialist) owns the connection: each RTCPeerConnection it makes
  // is a new generation ({from: page id, gen}); the polite side follows, making a fresh
  // connection whenever a newer generation speaks, and addresses what it sends to the one it
  // follows ({from: its connection id, to: page id, gen}). Its messages without "to" come
  // from a connection that has not heard from the current generation yet (a fresh page, or
  // one that replaced a dead connection): the impolite side answers those by re-sending its
  // offer, or with a new generation when its connection already belongs to someone else.
  // Only the impolite side starts generations, and only for something that happened (a
  // join, a new connection on the other side, a dead connection, "Try again"), so the two
  // can never keep replacing each other's connections.

  // Signalling work runs one task at a time, in arrival order; what it changed is shown after.
  function enqueue(task) {
    call.chain = call.chain
      .then(task)
      .catch((error) => {
        console.warn("video call:", error);
      })
      .then(render);
    return call.chain;
  }

  function usable(conn) {
    return Boolean(conn) && !["closed", "failed"].includes(conn.pc.connectionState);
  }

  function linked(conn) {
    return Boolean(conn) && (call.polite ? conn.sid !== null : conn.partner !== null);
  }

  function sendSignal(conn, payload) {
    const data = { ...payload };
    if (call.polite) {
      data.from = conn.id;
      if (conn.sid !== null) Object.assign(data, { to: conn.sid, gen: conn.gen });
    } else {
      Object.assign(data, { from: call.pageId, gen: conn.gen });
      if (conn.partner !== null) data.to = conn.partner;
    }
    send({ type: "signal", data });
  }

  function resendPendingOffer(conn) {
    if (conn.pc.signalingState === "have-local-offer" && conn.pc.localDescription) {
      sendSignal(conn, { description: conn.pc.localDescription.toJSON() });
    }
  }

  function onSignal(data) {
    if (call.fatal || call.leaving) return;
    if (call.joined) {
      enqueue(() => (call.polite ? followerSignal(data) : leaderSignal(data)));
      return;
    }
    // Still in the pre-call check. The polite side keeps what the current generation of the
    // other side says, for "Join now" (an offer made while it was here would be lost
    // otherwise); the impolite side needs nothing: it offers when it joins.
    if (!call.polite || data.to || typeof data.from !== "string" || !Number.isInteger(data.gen)) return;
    if (data.bye) {
      call.inbox = [];
      return;
    }
    call.inbox = call.inbox.filter((queued) => queued.from === data.from && queued.gen === data.gen);
    if (call.inbox.length < MAX_QUEUED) call.inbox.push(data);
  }

  // The polite side: data comes from the impolite side's page {from, gen, to?}.
  async function followerSignal(data) {
    const { from, gen } = data;
    if (typeof from !== "string" || !Number.isInteger(gen) || call.retiredPages.has(from)) return;
    let conn = call.conn;
    if (data.to && data.to !== conn?.id) return; // for a connection this page replaced
    if (data.bye) {
      if (conn && conn.sid === from) peerHungUp();
      return;
    }
    if (!usable(conn)) {
      conn = createConnection({ sid: from, gen });
    } else if (conn.sid === null) {
      Object.assign(conn, { sid: from, gen });
    } else if (conn.sid === from && gen < conn.gen) {
      return; // an older generation
    } else if (conn.sid !== from || gen > conn.gen) {
      if (conn.sid !== from) call.retiredPages.add(conn.sid);
      conn = createConnection({ sid: from, gen });
    }
    await negotiate(conn, data);
  }

  // The impolite side: data comes from one of the polite side's connections {from, to?, gen?}.
  async function leaderSignal(data) {
    const { from } = data;
    if (typeof from !== "string" || call.retiredConnections.has(from)) return;
    let conn = call.conn;
    if (data.to !== undefined) {
      if (data.to !== call.pageId || !conn || data.gen !== conn.gen) return; // for an older one
      if (data.bye) {
        if (conn.partner === from) peerHungUp();
        return;
      }
      if (!usable(conn)) return; // peer-joined or the ICE watch replaces it
      if (conn.partner === null) conn.partner = from;
      else if (conn.partner !== from) {
        call.retiredConnections.add(conn.partner);
        createConnection();
        return;
      }
      await negotiate(conn, data);
      return;
    }
    // A connection that has not heard from this generation.
    if (data.bye || from === conn?.partner || call.unanswered.has(from)) return;
    call.unanswered.add(from);
    if (usable(conn) && conn.partner === null && !conn.pc.remoteDescription) resendPendingOffer(conn);
    else {
      if (conn?.partner) call.retiredConnections.add(conn.partner);
      createConnection();
    }
  }

  // MDN's perfect negotiation, on one connection.
  async function negotiate(conn, { description, candidate }) {
    armConnectTimer();
    const pc = conn.pc;
    if (description) {
      const readyForOffer = !conn.makingOffer && (pc.signalingState === "stable" || conn.settingAnswer);
      const collision = description.type === "offer" && !readyForOffer;
      conn.ignoreOffer = !call.polite && collision;
      if (conn.ignoreOffer) return;
      if (description.type === "answer" && pc.signalingState !== "have-local-offer") return; // a repeat
      conn.settingAnswer = description.type === "answer";
      try {
        await pc.setRemoteDescription(description);
      } finally {
        conn.settingAnswer = false;
      }
      if (description.type === "offer") {
        await pc.setLocalDescription();
        sendSignal(conn, { description: pc.localDescription.toJSON() });
      }
    } else if (candidate !== undefined) {
      try {
        await pc.addIceCandidate(candidate);
      } catch (error) {
        if (!conn.ignoreOffer && pc.remoteDescription) console.warn("video call: candidate", error);
      }
    }
  }

  // This page's socket is back: keep a live connection, replace a dead one, and re-send an
  // offer the other side may have missed while the socket was away.
  async function afterReconnect() {
    const conn = call.conn;
    if (!usable(conn)) {
      createConnection();
      return;
    }
    if (linked(conn)) resendPendingOffer(conn);
    if (["disconnected", "failed"].includes(conn.pc.iceConnectionState)) restartIce(conn);
  }

  // The other person's socket (re)connected: their page may be new, and anything sent while
  // they were away is lost. The impolite side starts a generation if its connection never
  // reached them (its offer went to nobody); either side replaces a dead connection.
  async function onPeerJoined() {
    const conn = call.conn;
    if (!usable(conn) || (!call.polite && !linked(conn))) {
      createConnection();
      return;
    }
    if (linked(conn)) resendPendingOffer(conn);
    if (["disconnected", "failed"].includes(conn.pc.iceConnectionState)) restartIce(conn);
  }

  function createConnection(follow = null) {
    const previous = call.conn;
    if (previous) closeConnection(previous);
    const pc = new RTCPeerConnection(iceConfig);
    const conn = {
      pc,
      id: newId(),
      // impolite side: its generation and the polite connection it talks to
      gen: call.polite ? (follow?.gen ?? null) : ++call.generation,
      partner: null,
      // polite side: the impolite page it follows
      sid: call.polite ? (follow?.sid ?? null) : null,
      makingOffer: false,
      ignoreOffer: false,
      settingAnswer: false,
      senders: {},
      disconnectTimer: null,
      connectedOnce: false,
    };
    call.conn = conn;
    call.lastStats = null;
    call.timedOut = false;
    el.timeout.hidden = true;

    pc.addEventListener("negotiationneeded", async () => {
      if (call.conn !== conn) return;
      try {
        conn.makingOffer = true;
        await pc.setLocalDescription();
        sendSignal(conn, { description: pc.localDescription.toJSON() });
      } catch (error) {
        console.warn("video call: offer", error);
      } finally {
        conn.makingOffer = false;
      }
    });
    pc.addEventListener("icecandidate", ({ candidate }) => {
      if (call.conn === conn) sendSignal(conn, { candidate: candidate ? candidate.toJSON() : null });
    });
    pc.addEventListener("track", ({ track, streams }) => {
      if (call.conn !== conn) return;
      let stream = streams[0];
      if (!stream) {
        stream = el.remote.srcObject instanceof MediaStream ? el.remote.srcObject : new MediaStream();
        stream.addTrack(track);
      }
      if (el.remote.srcObject !== stream) el.remote.srcObject = stream;
      playRemote();
    });
    pc.addEventListener("iceconnectionstatechange", () => {
      if (call.conn !== conn) return;
      const state = pc.iceConnectionState;
      window.clearTimeout(conn.disconnectTimer);
      if (state === "failed") restartIce(conn);
      else if (state === "disconnected") {
        conn.disconnectTimer = window.setTimeout(() => {
          if (call.conn === conn && pc.iceConnectionState === "disconnected") restartIce(conn);
        }, DISCONNECTED_GRACE_MS);
      }
      render();
    });
    pc.addEventListener("connectionstatechange", () => {
      if (call.conn !== conn) return;
      if (pc.connectionState === "connected") {
        conn.connectedOnce = true;
        call.peerLeft = false;
      }
      render();
    });

    for (const kind of ["audio", "video"]) {
      const track = outgoing(kind);
      if (track) conn.senders[kind] = pc.addTrack(track, call.sendStream);
      else pc.addTransceiver(kind, { direction: "recvonly" });
    }
    render();
    return conn;
  }

  function closeConnection(conn) {
    window.clearTimeout(conn.disconnectTimer);
    try {
      conn.pc.close();
    } catch {
      // Already closed.
    }
  }

  function restartIce(conn) {
    if (call.conn !== conn || conn.pc.signalingState === "closed") return;
    conn.pc.restartIce();
    sendEvent("ice-restart");
  }

  async function updateOutgoing(kind) {
    if (kind === "video") showLocalVideo();
    const conn = call.conn;
    if (!conn || conn.pc.signalingState === "closed") return;
    const track = outgoing(kind);
    let sender = conn.senders[kind];
    if (!sender && track) {
      // Joined without this device: send it on the transceiver that so far only received.
      const transceiver = conn.pc
        .getTransceivers()
        .find((tr) => !tr.stopped && tr.receiver.track?.kind === kind && !tr.sender.track);
      if (transceiver) {
        transceiver.direction = "sendrecv";
        sender = transceiver.sender;
        sender.setStreams?.(call.sendStream);
      } else {
        sender = conn.pc.addTrack(track, call.sendStream);
      }
      conn.senders[kind] = sender;
    }
    if (sender && sender.track !== track) {
      try {
        await sender.replaceTrack(track);
      } catch (error) {
        console.warn("video call: replaceTrack", error);
      }
    }
  }

  async function playRemote() {
    try {
      await el.remote.play();
      el.play.hidden = true;
    } catch (error) {
      if (error?.name === "NotAllowedError") el.play.hidden = false;
    }
  }

  function peerHungUp() {
    const conn = call.conn;
    if (conn) {
      closeConnection(conn);
      if (conn.sid) call.retiredPages.add(conn.sid);
      if (conn.partner) call.retiredConnections.add(conn.partner);
    }
    call.conn = null;
    call.peerLeft = true;
    el.remote.srcObject = null;
    render();
  }

  // --- the 20-second watch ----------------------------------------------------------------

  function armConnectTimer() {
    const conn = call.conn;
    const connected = conn?.pc.connectionState === "connected";
    if (!call.joined || !linked(conn) || connected) {
      window.clearTimeout(call.connectTimer);
      call.connectTimer = null;
      if (connected) {
        call.timedOut = false;
        el.timeout.hidden = true;
      }
      return;
    }
    if (call.connectTimer !== null) return;
    call.connectTimer = window.setTimeout(() => {
      call.connectTimer = null;
      const current = call.conn;
      if (!current || current.pc.connectionState === "connected") return;
      call.timedOut = true;
      el.timeout.hidden = false;
      render();
      restartIce(current);
    }, CONNECT_TIMEOUT_MS);
  }

  // --- connection quality -----------------------------------------------------------------

  async function sampleQuality() {
    const conn = call.conn;
    if (!conn || conn.pc.connectionState !== "connected") {
      showQuality(null);
      return;
    }
    let report;
    try {
      report = await conn.pc.getStats();
    } catch {
      return;
    }
    let pairId = null;
    let rtt = null;
    let lost = 0;
    let received = 0;
    report.forEach((stat) => {
      if (stat.type === "transport" && stat.selectedCandidatePairId) pairId = stat.selectedCandidatePairId;
      if (stat.type === "inbound-rtp") {
        lost += stat.packetsLost || 0;
        received += stat.packetsReceived || 0;
      }
    });
    report.forEach((stat) => {
      if (stat.type !== "candidate-pair") return;
      if (stat.id === pairId || (!pairId && (stat.selected || (stat.nominated && stat.state === "succeeded")))) {
        if (typeof stat.currentRoundTripTime === "number") rtt = stat.currentRoundTripTime;
      }
    });
    const previous = call.lastStats;
    call.lastStats = { lost, received };
    let loss = 0;
    if (previous) {
      const newLost = Math.max(0, lost - previous.lost);
      const newReceived = Math.max(0, received - previous.received);
      loss = newLost + newReceived > 0 ? newLost / (newLost + newReceived) : 0;
    }
    let level = "good";
    if ((rtt !== null && rtt > 0.6) || loss > 0.08) level = "poor";
    else if ((rtt !== null && rtt > 0.3) || loss > 0.02) level = "fair";
    showQuality(level);
  }

  function showQuality(level) {
    const key = level || "unknown";
    if (el.quality.dataset.quality === key) return;
    const before = call.quality;
    call.quality = level;
    el.quality.dataset.quality = key;
    el.qualityText.textContent = t(`quality-${key}`);
    if (level === "poor" && before !== "poor") announce(t("quality-poor-note"));
  }

  // --- controls ---------------------------------------------------------------------------

  function toggleMic() {
    call.micMuted = !call.micMuted;
    if (call.mic) call.mic.enabled = !call.micMuted;
    setPressed(el.mic, call.micMuted);
    announce(t(call.micMuted ? "mic-off" : "mic-on"));
  }

  function toggleCamera() {
    call.cameraOff = !call.cameraOff;
    if (call.camera) call.camera.enabled = !call.cameraOff;
    if (call.blur?.track) call.blur.track.enabled = !call.cameraOff;
    setPressed(el.camera, call.cameraOff);
    announce(t(call.cameraOff ? "camera-off" : "camera-on"));
  }

  async function toggleShare() {
    if (call.screen) {
      stopSharing();
      return;
    }
    let stream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    } catch (error) {
      // Cancelling the browser's picker is not an error worth announcing.
      if (error?.name !== "NotAllowedError") announce(t("share-failed"));
      return;
    }
    const track = stream.getVideoTracks()[0];
    if (!track) return;
    if ("contentHint" in track) track.contentHint = "detail";
    track.addEventListener("ended", () => {
      if (call.screen === track) stopSharing();
    });
    call.screen = track;
    setPressed(el.share, true);
    await updateOutgoing("video");
    sendEvent("screen-share-started");
    announce(t("share-on"));
  }

  async function stopSharing() {
    const track = call.screen;
    if (!track) return;
    call.screen = null;
    track.stop();
    setPressed(el.share, false);
    await updateOutgoing("video");
    sendEvent("screen-share-stopped");
    announce(t("share-off"));
  }

  // Background blur: the camera's own effect when it offers one, else the vendored MediaPipe
  // selfie segmentation composited on a canvas whose captured track replaces the camera's.
  function nativeBlur(track) {
    const values = track?.getCapabilities?.().backgroundBlur;
    return Array.isArray(values) ? values : [];
  }

  async function toggleBlur() {
    if (call.blurUnavailable || !call.camera) {
      announce(t("blur-unavailable"));
      return;
    }
    const on = !call.blurOn;
    const camera = call.camera;
    const offered = nativeBlur(camera);
    if (offered.length === 1 && offered[0] === true) {
      el.blurNote.textContent = t("blur-system");
      setPressed(el.blur, true);
      return;
    }
    if (offered.includes(true) && offered.includes(false)) {
      try {
        await camera.applyConstraints({ advanced: [{ backgroundBlur: on }] });
        if (camera.getSettings().backgroundBlur === on) {
          call.blurOn = on;
          call.blur = on ? { kind: "native", track: null } : null;
          setPressed(el.blur, on);
          announce(t(on ? "blur-on" : "blur-off"));
          return;
        }
      } catch {
        // Fall back to the model below.
      }
    }
    if (!on) {
      call.blurOn = false;
      call.blur?.stop?.();
      call.blur = null;
      setPressed(el.blur, false);
      await updateOutgoing("video");
      announce(t("blur-off"));
      return;
    }
    el.blur.setAttribute("aria-busy", "true");
    el.blurNote.textContent = t("blur-loading");
    try {
      call.blur = await startModelBlur(call.camera);
    } catch (error) {
      console.warn("video call: background blur", error);
      call.blurUnavailable = true;
      el.blur.setAttribute("aria-disabled", "true");
      el.blurNote.textContent = t("blur-unavailable");
      announce(t("blur-unavailable"));
      return;
    } finally {
      el.blur.removeAttribute("aria-busy");
    }
    el.blurNote.textContent = "";
    call.blur.track.enabled = !call.cameraOff;
    call.blurOn = true;
    setPressed(el.blur, true);
    await updateOutgoing("video");
    announce(t("blur-on"));
  }

  let segmenterPromise = null;
  function loadSegmenter() {
    segmenterPromise ||= (async () => {
      if (!window.SelfieSegmentation) {
        await new Promise((resolve, reject) => {
          const script = document.createElement("script");
          script.src = root.dataset.blurScript;
          script.nonce = document.querySelector("script[nonce]")?.nonce || "";
          script.addEventListener("load", resolve);
          script.addEventListener("error", () => reject(new Error("blur script did not load")));
          document.head.append(script);
        });
      }
      if (!window.SelfieSegmentation) throw new Error("no SelfieSegmentation");
      const files = {
        "selfie_segmentation_solution_simd_wasm_bin.js": root.dataset.blurSimdJs,
        "selfie_segmentation_solution_simd_wasm_bin.wasm": root.dataset.blurSimdWasm,
        "selfie_segmentation_solution_simd_wasm_bin.data": root.dataset.blurSimdData,
        "selfie_segmentation_solution_wasm_bin.js": root.dataset.blurJs,
        "selfie_segmentation_solution_wasm_bin.wasm": root.dataset.blurWasm,
        "selfie_segmentation.binarypb": root.dataset.blurGraph,
        "selfie_segmentation_landscape.tflite": root.dataset.blurModel,
      };
      const base = new URL(root.dataset.blurScript, location.href);
      const segmenter = new window.SelfieSegmentation({
        locateFile: (file) => files[file] || new URL(file, base).href,
      });
      segmenter.setOptions({ modelSelection: 1, selfieMode: false });
      let timer;
      await Promise.race([
        segmenter.initialize(),
        new Promise((_, reject) => {
          timer = window.setTimeout(() => reject(new Error("blur model timed out")), BLUR_LOAD_TIMEOUT_MS);
        }),
      ]).finally(() => window.clearTimeout(timer));
      return segmenter;
    })();
    segmenterPromise.catch(() => {
      segmenterPromise = null;
    });
    return segmenterPromise;
  }

  async function startModelBlur(camera) {
    const segmenter = await loadSegmenter();
    const settings = camera.getSettings();
    const canvas = document.createElement("canvas");
    canvas.width = settings.width || 640;
    canvas.height = settings.height || 360;
    const context = canvas.getContext("2d");
    const source = document.createElement("video");
    source.muted = true;
    source.playsInline = true;
    let running = true;
    let timer = null;
    let sourceTrack = camera;

    segmenter.onResults((results) => {
      if (!running) return;
      const { width, height } = canvas;
      context.save();
      context.clearRect(0, 0, width, height);
      context.drawImage(results.segmentationMask, 0, 0, width, height);
      context.globalCompositeOperation = "source-in";
      context.drawImage(results.image, 0, 0, width, height);
      context.globalCompositeOperation = "destination-over";
      context.filter = "blur(14px)";
      context.drawImage(results.image, 0, 0, width, height);
      context.restore();
    });

    async function setSource(track) {
      sourceTrack = track;
      source.srcObject = track ? new MediaStream([track]) : null;
      if (track) {
        const { width, height } = track.getSettings();
        if (width && height) Object.assign(canvas, { width, height });
        await source.play().catch(() => {});
      }
    }

    async function tick() {
      if (!running) return;
      const began = performance.now();
      try {
        if (sourceTrack && source.readyState >= 2) await segmenter.send({ image: source });
      } catch (error) {
        console.warn("video call: blur frame", error);
      }
      const wait = Math.max(0, 1000 / BLUR_FPS - (performance.now() - began));
      timer = window.setTimeout(tick, wait);
    }

    await setSource(camera);
    // Draw one frame before the track is used, so the other side never sees a blank one.
    await segmenter.send({ image: source });
    const track = canvas.captureStream(BLUR_FPS).getVideoTracks()[0];
    tick();
    return {
      kind: "model",
      track,
      setSource,
      stop() {
        running = false;
        window.clearTimeout(timer);
        track.stop();
        source.srcObject = null;
      },
    };
  }

  // --- join, leave, give up ---------------------------------------------------------------

  function join() {
    if (call.joined || call.fatal) return;
    call.joined = true;
    el.precall.hidden = true;
    el.room.hidden = false;
    el.devicesCall.append(el.devices);
    meter.stop();
    showLocalVideo();
    createConnection();
    call.inbox.splice(0).forEach((data) => enqueue(() => followerSignal(data)));
    if (el.remote.setSinkId && call.speakerId) el.remote.setSinkId(call.speakerId).catch(() => {});
    render();
    el.roomHeading.focus();
  }

  function stopMedia() {
    call.blur?.stop?.();
    call.blur = null;
    for (const track of [call.camera, call.mic, call.screen]) track?.stop();
    call.camera = call.mic = call.screen = null;
    meter.attach(null);
    el.preview.srcObject = null;
    el.local.srcObject = null;
    el.remote.srcObject = null;
  }

  function leave() {
    if (call.leaving) return;
    if (call.conn) sendSignal(call.conn, { bye: true });
    send({ type: "leave" });
    call.leaving = true;
    window.clearTimeout(call.reconnectTimer);
    if (call.conn) closeConnection(call.conn);
    call.conn = null;
    stopMedia();
    try {
      call.socket?.close(1000);
    } catch {
      // Closed already.
    }
    call.state = "left";
    setStatus(t("left"));
    if (root.dataset.leaveUrl) window.location.assign(root.dataset.leaveUrl);
    else render();
  }

  function stopForGood(code) {
    call.fatal = code;
    window.clearTimeout(call.reconnectTimer);
    window.clearTimeout(call.connectTimer);
    if (call.conn) closeConnection(call.conn);
    call.conn = null;
    stopMedia();
    el.precall.hidden = true;
    el.room.hidden = true;
    el.timeout.hidden = true;
    el.fatalText.textContent = t(`close-${code}`);
    el.fatal.hidden = false;
    render();
  }

  // --- what the page says -----------------------------------------------------------------

  function currentState() {
    if (call.fatal) return "blocked";
    if (call.leaving) return "left";
    if (!call.joined) return call.reconnecting ? "reconnecting" : "precall";
    const pc = call.conn?.pc;
    if (call.reconnecting && pc?.connectionState !== "connected") return "reconnecting";
    if (!pc) return call.peerLeft ? "peer-left" : "waiting";
    if (pc.connectionState === "connected") return call.reconnecting ? "reconnecting" : "connected";
    if (["disconnected", "failed"].includes(pc.iceConnectionState) && call.conn.connectedOnce) return "interrupted";
    if (!linked(call.conn)) return call.peerLeft ? "peer-left" : "waiting";
    return "connecting";
  }

  const STATUS_TEXT = {
    precall: "ready",
    waiting: "waiting",
    "peer-left": "peer-left",
    connecting: "connecting",
    connected: "connected",
    interrupted: "interrupted",
    reconnecting: "reconnecting",
  };

  function render() {
    const state = currentState();
    const changed = state !== call.state;
    call.state = state;
    root.dataset.state = state;
    armConnectTimer();
    if (state === "blocked") {
      setStatus(""); // the alert says it
      return;
    }
    if (state === "left") return;
    let text = t(STATUS_TEXT[state]);
    if (call.timedOut && ["connecting", "interrupted"].includes(state)) text = t("timeout");
    if (changed && announcing !== null) {
      window.clearTimeout(announcing);
      announcing = null;
    }
    if (announcing === null) setStatus(text);
    el.stageMessage.textContent = state === "connected" ? "" : text;
  }

  // --- wiring -----------------------------------------------------------------------------

  el.fallback.hidden = true;
  el.precall.hidden = false;
  el.join.addEventListener("click", join);
  el.recheck.addEventListener("click", () => {
    checkMedia();
    checkNetwork();
  });
  el.selects.videoinput.addEventListener("change", () => switchDevice("videoinput"));
  el.selects.audioinput.addEventListener("change", () => switchDevice("audioinput"));
  el.selects.audiooutput.addEventListener("change", () => switchDevice("audiooutput"));
  $("[data-speaker-test]").addEventListener("click", playTestTone);
  el.mic.addEventListener("click", toggleMic);
  el.camera.addEventListener("click", toggleCamera);
  el.share.addEventListener("click", () => {
    if (!navigator.mediaDevices?.getDisplayMedia) announce(t("share-unsupported"));
    else toggleShare();
  });
  if (!navigator.mediaDevices?.getDisplayMedia) el.share.hidden = true;
  el.blur.addEventListener("click", toggleBlur);
  el.leave.addEventListener("click", leave);
  el.play.addEventListener("click", playRemote);
  el.retry.addEventListener("click", () => {
    call.timedOut = false;
    el.timeout.hidden = true;
    enqueue(() => createConnection());
  });
  navigator.mediaDevices?.addEventListener?.("devicechange", refreshDevices);
  window.setInterval(sampleQuality, STATS_INTERVAL_MS);

  window.haleCall = {
    get pc() {
      return call.conn?.pc ?? null;
    },
    get socket() {
      return call.socket;
    },
    get state() {
      return call.state;
    },
    get joined() {
      return call.joined;
    },
    get reconnects() {
      return call.reconnects;
    },
    get quality() {
      return call.quality;
    },
    // A network-style drop of the signalling socket: the page reconnects by itself.
    dropSignalling() {
      call.socket?.close();
    },
    join,
    leave,
  };

  render();
  connect();
  checkMedia();
  checkNetwork();
}
