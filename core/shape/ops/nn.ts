/** Neural-network layers: convolutions, pooling and normalisation. */
import type { ShapeRules } from '../types.js';
import { convRules } from './conv.js';
import { normRules } from './norm.js';
import { poolRules } from './pool.js';

export const nnRules: ShapeRules = { ...convRules, ...poolRules, ...normRules };
