'use strict';

// Serves the repository read-only over HTTP so the what-if page can load the wasm build:
//   node examples/what-if/serve.js [port]   then open http://127.0.0.1:PORT/examples/what-if/
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

function createServer() {
  return http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    let file = path.resolve(ROOT, `.${pathname}`);
    if (!file.startsWith(ROOT + path.sep) || file.includes(`${path.sep}node_modules${path.sep}`)) {
      res.writeHead(404).end();
      return;
    }
    if (pathname.endsWith('/')) file = path.join(file, 'index.html');
    fs.readFile(file, (err, body) => {
      if (err) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body);
    });
  });
}

if (require.main === module) {
  const port = Number(process.argv[2] ?? 8080);
  createServer().listen(port, '127.0.0.1', () => console.log(`what-if page: http://127.0.0.1:${port}/examples/what-if/`));
}

module.exports = { createServer };
