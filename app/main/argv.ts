/**
 * The model path on the Electron app's command line. Unpackaged, Electron runs as
 * `electron <app dir> [MODEL]`; packaged, as `Cutline [MODEL]` (also how the OS opens a
 * double-clicked .onnx file on Windows and Linux). Chromium and Node switches (`--inspect=0`,
 * `--original-process-start-time=…`) may appear anywhere and are skipped.
 */
import path from 'node:path';
import { z } from 'zod';
import { hostPathSchema } from '../shared/studio-validate.js';

export interface ArgvContext {
  /** `app.isPackaged`: no app path follows the executable. */
  readonly packaged: boolean;
  /** Folder relative model paths are resolved against (the launching shell's). */
  readonly cwd: string;
}

export function modelPathFromArgv(argv: readonly string[], { packaged, cwd }: ArgvContext): string | null {
  const positional: string[] = [];
  let afterDashDash = false;
  for (const arg of argv.slice(1)) {
    if (!afterDashDash && arg === '--') afterDashDash = true;
    else if (afterDashDash || !arg.startsWith('-')) positional.push(arg);
  }
  const model = packaged ? positional[0] : positional[1];
  return model === undefined || model === '' ? null : path.resolve(cwd, model);
}

/** What a second `cutline studio MODEL` hands the running one (Electron's `additionalData`). */
export const secondInstanceDataSchema = z.strictObject({ modelPath: hostPathSchema.nullable() });
export type SecondInstanceData = z.infer<typeof secondInstanceDataSchema>;
