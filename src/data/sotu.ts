/**
 * A second public-domain text, for fine-tuning a GPT pretrained on Moby Dick
 * (`--pretrain`): the State of the Union addresses of 1790–1816 (see
 * assets/README.md for the source and how it was cut).
 */
import { gunzipVerified } from './text.js';

/** SHA-256 of the decompressed UTF-8 text. */
export const SOTU_SHA256 = 'fdc00866c212d7e07fe7ab5900222a4f9256f4eff8b36aae414c1ca9a10127dd';

const SOTU = new URL('./assets/sotu-1790-1816.txt.gz', import.meta.url);

/** The 27 addresses of 1790–1816 (Washington to Madison), in date order, separated by blank lines. */
export const stateOfTheUnion = (): string => gunzipVerified(SOTU, SOTU_SHA256);
