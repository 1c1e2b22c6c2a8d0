/** Reading and writing weights: the safetensors format, and loading a file into a model's parameters. */
export { type Decoded, type HostFile, type HostTensor, decodeHost, decodeSafetensors, encodeHost, encodeSafetensors } from './safetensors.js';
export { loadSafetensors, readBytes, saveSafetensors } from './files.js';
export { MLP_SEQUENTIAL, NANOGPT, type NameMap, renameParams } from './names.js';
export { type LoadParamsOptions, editDistance, loadParams } from './params.js';
export { MAX_HEADER_BYTES } from './header.js';
export { READABLE as SAFETENSORS_READ_DTYPES, type StDtype, halfToFloat } from './dtypes.js';
