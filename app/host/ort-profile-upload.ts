/**
 * An onnxruntime profile the page sent as text (already held to MAX_ORT_PROFILE_TEXT_BYTES by the
 * request validators), read by core/ into per-node times or refused with what is wrong.
 */
import { isCutlineError } from '../../core/errors.js';
import { readOrtProfileText } from '../../core/profiling/ort-profile-times.js';
import { MAX_ORT_PROFILE_TEXT_BYTES, type OrtProfileResult } from '../shared/studio-api.js';

export function readOrtProfileUpload(fileName: string, text: string): OrtProfileResult {
  try {
    return { ok: true, profile: readOrtProfileText(text, fileName, MAX_ORT_PROFILE_TEXT_BYTES) };
  } catch (error) {
    if (isCutlineError(error)) return { ok: false, error: { code: error.code, message: error.message } };
    throw error;
  }
}
