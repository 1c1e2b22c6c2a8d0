/** The bridge between autodiff and the spectrum toolkit: block specs, block HVPs, blockwise and full spectra. */
export { type BlockSpec, type LossFn, blockDim, blockHvps, tangentOf } from './blocks.js';
export { blockSpectra, fullSpectrum, type BlockSpectraOptions } from './spectra.js';
export { blocksByPattern, globToRegExp, type BlockPattern, type BlockRule } from './patterns.js';
