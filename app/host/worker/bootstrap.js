// Analysis-process bootstrap: registers tsx's ESM loader in this process, then imports the
// TypeScript entry whose file URL is the first argument (the same way bin/cutline.js runs the
// CLI), with Cutline's own tsconfig wherever the process runs. Works under `tsx`, under Vitest,
// and in plain Node running the sources; a packaged build starts its compiled entry instead.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../../../tsconfig.json', import.meta.url)) });
await import(process.argv[2]);
