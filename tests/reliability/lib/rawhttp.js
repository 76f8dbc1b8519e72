'use strict';
/*
 * HTTP/1.1 over a plain socket, byte for byte: for requests that fetch would refuse or
 * normalise (invalid bytes in the path, `..` segments, odd methods, exact bodies).
 */
const net = require('node:net');

/**
 * Sends `head` (the request line and headers, without the blank line; a string or Buffer) and
 * `body`, and reads the whole answer.
 * Returns {status, headers, body: Buffer, text, json} or {error} if the connection failed.
 */
function rawRequest(port, head, body = Buffer.alloc(0), { timeoutMs = 60_000 } = {}) {
  return new Promise(resolve => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks = [];
    let settled = false;
    const done = value => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => done({ error: 'timeout' }), timeoutMs);
    socket.on('data', c => {
      chunks.push(c);
      const buf = Buffer.concat(chunks);
      if (complete(buf)) done(parse(buf));
    });
    socket.on('error', error => {
      // The server may answer and close before it read the whole body: keep what came.
      if (chunks.length) done(parse(Buffer.concat(chunks)));
      else done({ error: error.code ?? error.message });
    });
    socket.setNoDelay(true);
    socket.on('close', () => done(chunks.length ? parse(Buffer.concat(chunks)) : { error: 'closed without an answer' }));
    socket.on('connect', async () => {
      const headBuf = Buffer.isBuffer(head) ? head : Buffer.from(head, 'latin1');
      // A keep-alive request (a server that answers before reading a large body then drains it
      // instead of resetting the connection, which would lose the answer), read until the answer
      // is complete. The body goes in pieces, and stops as soon as an answer arrives.
      const parts = [Buffer.concat([headBuf, Buffer.from('\r\n\r\n', 'latin1')])];
      for (let i = 0; i < body.length; i += 16 * 1024) parts.push(body.subarray(i, i + 16 * 1024));
      for (const part of parts) {
        if (settled || chunks.length || socket.destroyed) break;
        const ok = await new Promise(res => socket.write(part, err => res(!err)));
        if (!ok) break;
      }
    });
  });
}

/** Whether `buf` holds a whole answer (by Content-Length, or the last chunk). */
function complete(buf) {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const head = buf.subarray(0, end).toString('latin1');
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) return buf.length - end - 4 >= Number(length[1]);
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) return buf.subarray(end + 4).includes('\r\n0\r\n\r\n') || buf.subarray(end + 4).toString('latin1').startsWith('0\r\n\r\n');
  return /^HTTP\/1\.[01] (1\d\d|204|304)/.test(head);
}

function parse(buf) {
  const end = buf.indexOf('\r\n\r\n');
  const headText = buf.subarray(0, end < 0 ? buf.length : end).toString('latin1');
  let body = end < 0 ? Buffer.alloc(0) : buf.subarray(end + 4);
  const [statusLine, ...lines] = headText.split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  const headers = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body);
  const text = body.toString('utf8');
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status, headers, body, text, json };
}

function dechunk(buf) {
  const out = [];
  let pos = 0;
  for (let guard = 0; guard < 100_000 && pos < buf.length; guard++) {
    const eol = buf.indexOf('\r\n', pos);
    if (eol < 0) break;
    const size = parseInt(buf.subarray(pos, eol).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(buf.subarray(eol + 2, eol + 2 + size));
    pos = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

module.exports = { rawRequest };
