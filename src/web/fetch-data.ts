/**
 * Loading the page's data from its own origin: the packed MNIST digits and
 * Moby Dick, both gzipped. Bytes arrive gzipped, or already inflated when a
 * host sends the .gz file with Content-Encoding: gzip; the magic bytes tell.
 */
import { MOBY_DICK_SHA256 } from '../data/corpus.js';
import { unpackMnist } from '../data/packed.js';
import type { Mnist } from '../data/batches.js';
import type { WebData } from './task.js';

/** Paths relative to the built folder (see src/web/build.ts). */
export const ASSETS = { mnist: 'assets/mnist.bin.gz', text: 'assets/moby-dick.txt.gz' } as const;

async function fetchBytes(url: URL): Promise<Uint8Array<ArrayBuffer>> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url.pathname}: HTTP ${r.status} ${r.statusText}`);
  const bytes = new Uint8Array(await r.arrayBuffer());
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(inflated).arrayBuffer());
}

const hex = (b: ArrayBuffer) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');

/** Data loaders for `makeWebTask`, reading from `base` (the built folder's URL); each file is fetched once. */
export function fetchData(base: URL): WebData {
  let mnist: Promise<Mnist> | undefined;
  let text: Promise<string> | undefined;
  return {
    mnist: () => (mnist ??= fetchBytes(new URL(ASSETS.mnist, base)).then((b) => unpackMnist(b, ASSETS.mnist))),
    text: () => (text ??= (async () => {
      const bytes = await fetchBytes(new URL(ASSETS.text, base));
      // The same check mobyDick() makes in Node: a damaged asset is an error, not a different corpus.
      const sha = hex(await crypto.subtle.digest('SHA-256', bytes));
      if (sha !== MOBY_DICK_SHA256) throw new Error(`${ASSETS.text}: SHA-256 of the text is ${sha}, expected ${MOBY_DICK_SHA256}`);
      return new TextDecoder().decode(bytes);
    })()),
  };
}
