/** A small static file server for the built page (Node): GET and HEAD, same-origin only, no directory listings. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.map': 'application/json', '.gz': 'application/gzip', '.png': 'image/png',
};

export interface Served {
  url: string;
  close(): Promise<void>;
}

/** Serves `dir` on `host:port` (port 0: any free port). */
export function serveStatic(dir: string, port = 8080, host = '127.0.0.1'): Promise<Served> {
  const root = path.resolve(dir);
  const server = http.createServer(async (req, res) => {
    const fail = (code: number, why: string) => { res.writeHead(code, { 'content-type': 'text/plain' }); res.end(why); };
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'only GET and HEAD');
    let rel: string;
    try {
      rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return fail(400, 'bad path');
    }
    const file = path.join(root, rel.endsWith('/') ? `${rel}index.html` : rel);
    if (file !== root && !file.startsWith(root + path.sep)) return fail(403, 'outside the served folder');
    const s = await stat(file).catch(() => null);
    if (!s?.isFile()) return fail(404, `not found: ${rel}`);
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'content-length': s.size, 'cache-control': 'no-cache' });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const a = server.address() as AddressInfo;
      resolve({
        url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${a.port}/`,
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
    });
  });
}
