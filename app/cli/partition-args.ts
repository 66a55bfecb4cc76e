/**
 * Parsing of the partition options shared by `solve`, `sweep` and `export`. The parsers live in
 * core (core/partition/constraint-text.ts) so the studio's session worker reads the studio's
 * constraints exactly as the CLI reads `--constraint`; this module keeps the CLI's imports.
 */
export {
  parseBytes,
  parseConstraints,
  parseObjective,
  parseSolvers,
} from '../../core/partition/constraint-text.js';
