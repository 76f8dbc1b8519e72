'use strict';

/**
 * The sliver of MessagePack GitHub's global node ids and cursors use: non-negative integers,
 * strings and arrays. Enough to build ids that look and decode like GitHub's.
 */

/** @param {unknown} value @returns {Buffer} */
function encode(value) {
  const out = [];
  write(value, out);
  return Buffer.from(out);
}

function write(v, out) {
  if (Array.isArray(v)) {
    if (v.length < 16) out.push(0x90 | v.length);
    else out.push(0xdc, v.length >> 8, v.length & 0xff);
    for (const x of v) write(x, out);
  } else if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) {
    if (v < 128) out.push(v);
    else if (v < 0x100) out.push(0xcc, v);
    else if (v < 0x10000) out.push(0xcd, v >> 8, v & 0xff);
    else if (v < 0x100000000) out.push(0xce, ...u32(v));
    else out.push(0xcf, ...u32(Math.floor(v / 0x100000000)), ...u32(v % 0x100000000));
  } else if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    if (b.length < 32) out.push(0xa0 | b.length);
    else if (b.length < 0x100) out.push(0xd9, b.length);
    else out.push(0xda, b.length >> 8, b.length & 0xff);
    out.push(...b);
  } else {
    throw new TypeError(`msgpack: unsupported value ${JSON.stringify(v)}`);
  }
}

function u32(v) {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

/**
 * @param {Buffer} buf
 * @returns {unknown} the decoded value; throws on anything malformed or left over
 */
function decode(buf) {
  const state = { pos: 0 };
  const v = read(buf, state);
  if (state.pos !== buf.length) throw new Error('msgpack: trailing bytes');
  return v;
}

function read(buf, st) {
  if (st.pos >= buf.length) throw new Error('msgpack: truncated');
  const t = buf[st.pos++];
  const need = (n) => {
    if (st.pos + n > buf.length) throw new Error('msgpack: truncated');
    const s = st.pos;
    st.pos += n;
    return s;
  };
  if (t < 0x80) return t;
  if ((t & 0xf0) === 0x90) return readArray(buf, st, t & 0x0f);
  if ((t & 0xe0) === 0xa0) return buf.toString('utf8', need(t & 0x1f), st.pos);
  switch (t) {
    case 0xcc: return buf[need(1)];
    case 0xcd: return buf.readUInt16BE(need(2));
    case 0xce: return buf.readUInt32BE(need(4));
    case 0xcf: {
      const s = need(8);
      return buf.readUInt32BE(s) * 0x100000000 + buf.readUInt32BE(s + 4);
    }
    case 0xd9: { const n = buf[need(1)]; return buf.toString('utf8', need(n), st.pos); }
    case 0xda: { const n = buf.readUInt16BE(need(2)); return buf.toString('utf8', need(n), st.pos); }
    case 0xdc: return readArray(buf, st, buf.readUInt16BE(need(2)));
    default: throw new Error(`msgpack: unsupported type byte 0x${t.toString(16)}`);
  }
}

function readArray(buf, st, n) {
  const a = [];
  for (let i = 0; i < n; i++) a.push(read(buf, st));
  return a;
}

module.exports = { encode, decode };
