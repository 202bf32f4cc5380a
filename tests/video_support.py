"""Helpers for the video-call journeys (tests/e2e/test_video.py): a coturn TURN server on
loopback, and the bits of page JavaScript the tests read WebRTC statistics with."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import struct
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

TURNSERVER = shutil.which("turnserver") or "/usr/bin/turnserver"
MISSING_TURNSERVER = "coturn's turnserver is not installed (Debian package coturn)"


def turnserver_present() -> bool:
    return os.path.isfile(TURNSERVER) and os.access(TURNSERVER, os.X_OK)


@dataclass(frozen=True)
class Turn:
    port: int
    secret: str

    @property
    def url(self) -> str:
        return f"turn:127.0.0.1:{self.port}?transport=udp"


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers_stun(port: int) -> bool:
    """A STUN Binding request (RFC 5389) gets a Binding success response."""
    transaction = secrets.token_bytes(12)
    request = struct.pack("!HHI", 0x0001, 0, 0x2112A442) + transaction
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(0.3)
        try:
            sock.sendto(request, ("127.0.0.1", port))
            data, _ = sock.recvfrom(2048)
        except OSError:
            return False
    return len(data) >= 20 and data[:2] == b"\x01\x01" and data[8:20] == transaction


@contextmanager
def coturn() -> Iterator[Turn]:
    """coturn on 127.0.0.1 and a free UDP port, with the TURN REST shared secret that Hale's
    ``VIDEO_TURN_SECRET`` mints credentials from; relays to loopback peers (both browsers
    are on this machine). Stopped (by its own pid) afterwards."""
    port = _free_udp_port()
    secret = secrets.token_hex(16)
    process = subprocess.Popen(  # noqa: S603 - fixed arguments, a local test server
        [
            TURNSERVER,
            "-n",
            "--listening-ip=127.0.0.1",
            "--relay-ip=127.0.0.1",
            f"--listening-port={port}",
            "--min-port=49152",
            "--max-port=65535",
            "--use-auth-secret",
            f"--static-auth-secret={secret}",
            "--realm=hale.test",
            "--fingerprint",
            "--no-tls",
            "--no-dtls",
            "--no-tcp",
            "--log-file=stdout",
            "--simple-log",
            "--allow-loopback-peers",
            "--no-cli",
            "--no-software-attribute",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 10
        while not _answers_stun(port):
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read() if process.poll() is not None else ""
                raise RuntimeError(f"turnserver did not start on port {port}: {output[-2000:]}")
            time.sleep(0.1)
        yield Turn(port=port, secret=secret)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        if process.stdout:
            process.stdout.close()


# --- page JavaScript ------------------------------------------------------------------------

# Frames decoded so far on the call's inbound video (0 before any).
FRAMES_DECODED = """async () => {
  const pc = window.haleCall && window.haleCall.pc;
  if (!pc) return 0;
  let frames = 0;
  (await pc.getStats()).forEach((s) => {
    if (s.type === "inbound-rtp" && s.kind === "video") frames += s.framesDecoded || 0;
  });
  return frames;
}"""

# The local and remote candidate types of the selected pair ("host", "srflx", "relay"…).
SELECTED_PAIR = """async () => {
  const stats = await window.haleCall.pc.getStats();
  let pairId = null;
  stats.forEach((s) => {
    if (s.type === "transport" && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
  });
  const pair = pairId && stats.get(pairId);
  if (!pair) return null;
  return {
    local: stats.get(pair.localCandidateId).candidateType,
    remote: stats.get(pair.remoteCandidateId).candidateType,
  };
}"""

# What the outgoing video sender sends now.
OUTGOING_VIDEO = """() => {
  const sender = window.haleCall.pc.getSenders().find((s) => s.track && s.track.kind === "video");
  if (!sender) return null;
  const settings = sender.track.getSettings();
  return { label: sender.track.label, displaySurface: settings.displaySurface || null };
}"""
