/**
 * StudioApi methods that do the same in every transport: they only pass their arguments to the
 * StudioHost. The web host's and Electron's method tables (web/web-methods.ts,
 * main/ipc-methods.ts) both take these and add what differs (dialogs, where a project is saved,
 * telling the window what was opened).
 */
import type { StudioApi, StudioMethod } from '../shared/studio-api.js';
import type { StudioArgs } from '../shared/studio-validate.js';
import { readOrtProfileUpload } from './ort-profile-upload.js';
import type { StudioHost } from './studio-host.js';

export type StudioAnswer<M extends StudioMethod> = Awaited<ReturnType<StudioApi[M]>>;

type SharedMethod =
  | 'listSamples'
  | 'listRecent'
  | 'cancel'
  | 'startJob'
  | 'cancelJob'
  | 'closeSession'
  | 'suggestExportDir'
  | 'listTopologies'
  | 'loadTopology'
  | 'parseTopology'
  | 'listProfiles'
  | 'parseOrtProfile'
  | 'lastTopology'
  | 'rememberTopology'
  | 'autosave'
  | 'recovery';

export const HOST_METHODS: {
  readonly [M in SharedMethod]: (
    args: StudioArgs<M>,
    context: { readonly host: StudioHost },
  ) => Promise<StudioAnswer<M>>;
} = {
  listSamples: (_args, { host }) => host.listSamples(),
  listRecent: (_args, { host }) => host.listRecent(),
  async cancel([jobId], { host }) {
    host.cancel(jobId);
  },
  startJob: async ([sessionId, request], { host }) => host.startJob(sessionId, request),
  async cancelJob([jobId], { host }) {
    host.cancelJob(jobId);
  },
  closeSession: ([sessionId], { host }) => host.closeSession(sessionId),
  suggestExportDir: ([sessionId], { host }) => host.suggestExportDir(sessionId),
  listTopologies: (_args, { host }) => host.topologies.list(),
  loadTopology: ([id], { host }) => host.topologies.load(id),
  parseTopology: ([fileName, text], { host }) => host.topologies.parse(fileName, text),
  listProfiles: (_args, { host }) => host.topologies.profiles(),
  parseOrtProfile: async ([fileName, text]) => readOrtProfileUpload(fileName, text),
  lastTopology: (_args, { host }) => host.topologies.last(),
  rememberTopology: ([id, topology], { host }) => host.topologies.remember(id, topology),
  autosave: ([design], { host }) => host.autosave(design),
  recovery: (_args, { host }) => host.recovery(),
};
