'use strict';

// Packs one service's events (objects, CORE_API.md shapes) into the columns that
// aggregateDailyColumns and computeScorecardColumns take. A convenience: a caller that already
// holds columns (say, from a database query) should build the typed arrays directly. It does
// not validate; the core does, when the columns are used.

const NO_STRING = 0xffffffff;

function toColumns(events) {
  const strings = [];
  const codes = new Map();
  const code = text => {
    let c = codes.get(text);
    if (c === undefined) {
      c = strings.length;
      strings.push(text);
      codes.set(text, c);
    }
    return c;
  };
  const encoder = new TextEncoder();
  const ids = list => {
    const parts = list.map(event => encoder.encode(event.id));
    const idEnd = new Uint32Array(parts.length);
    let length = 0;
    parts.forEach((part, i) => {
      length += part.length;
      idEnd[i] = length;
    });
    const bytes = new Uint8Array(length);
    let offset = 0;
    for (const part of parts) {
      bytes.set(part, offset);
      offset += part.length;
    }
    return { ids: bytes, idEnd };
  };
  const instants = (list, key) => Float64Array.from(list, event => event[key]);
  // NaN marks an absent optional instant.
  const optionalInstants = (list, key) => Float64Array.from(list, event => event[key] ?? Number.NaN);
  const { deployments, changes, incidents } = events;
  return {
    strings,
    deployments: {
      ...ids(deployments),
      environment: Uint32Array.from(deployments, d => code(d.environment)),
      state: Uint32Array.from(deployments, d => code(d.state)),
      createdAt: instants(deployments, 'createdAt'),
    },
    changes: {
      ...ids(changes),
      createdAt: instants(changes, 'createdAt'),
      firstCommitAt: optionalInstants(changes, 'firstCommitAt'),
      mergedAt: instants(changes, 'mergedAt'),
    },
    incidents: {
      ...ids(incidents),
      createdAt: instants(incidents, 'createdAt'),
      closedAt: optionalInstants(incidents, 'closedAt'),
      stateReason: Uint32Array.from(incidents, i => (i.stateReason == null ? NO_STRING : code(i.stateReason))),
    },
  };
}

module.exports = { toColumns, NO_STRING };
