/**
 * Profile, project and measurement-table files are refused from their size, before they are read:
 * a sparse file of gigabytes (no disk used) stands in for the wrong file given by mistake. Over
 * 2 GiB, a read would be refused by Node itself (ERR_FS_FILE_TOO_LARGE, a FILE_UNREADABLE error,
 * before allocating anything), so the size message and code show Cutline's check came first. Each
 * refusal is one line naming the file and the limit.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readMeasurementTable } from '../core/profiling/measurement-table-file.js';
import { MAX_PROFILE_FILE_BYTES } from '../core/profiles/profile-file.js';
import { loadDeviceProfile, loadLinkProfile, loadTopology } from '../core/profiles/load.js';
import { readProjectFile } from '../core/project/read.js';
import { readProjectFile as hostReadProjectFile } from '../app/host/project-files.js';
import { peakOfSaved } from '../app/cli/profile-table.js';
import { expectCode } from './support/expect-code.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-file-size-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A sparse file of `bytes` zero bytes: its size is real, its disk use none. */
function sparse(name: string, bytes: number): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, '');
  fs.truncateSync(file, bytes);
  return file;
}

const HUGE = 3 * 1024 ** 3;

function expectOneLineNaming(message: string, file: string, limit: string): void {
  expect(message).not.toContain('\n');
  expect(message).toContain(file);
  expect(message).toContain(limit);
}

describe('profile files', () => {
  it('a device, link or topology file of 3 GiB is refused from its size, naming it and the 4 MiB limit', () => {
    const device = sparse('device.json', HUGE);
    const refused = expectCode(() => loadDeviceProfile(device), 'BAD_PROFILE');
    expectOneLineNaming(refused.message, device, '4.0 MiB');
    expect(refused.message).toContain('3072.0 MiB');
    expectOneLineNaming(expectCode(() => loadLinkProfile(device), 'BAD_PROFILE').message, device, '4.0 MiB');
    const topology = sparse('topology.json', HUGE);
    expectOneLineNaming(
      expectCode(() => loadTopology(topology), 'BAD_TOPOLOGY').message,
      topology,
      '4.0 MiB',
    );
  });

  it('a topology naming an oversized device file is refused naming the device file', () => {
    const device = sparse('named-device.json', 87 * 1024 ** 2);
    const topology = path.join(dir, 'names-it.json');
    fs.writeFileSync(
      topology,
      JSON.stringify({
        id: 'names-it',
        name: 'names an oversized device',
        tiers: [
          { name: 'device', device: './named-device.json' },
          { name: 'edge', device: 'jetson-nano' },
        ],
        links: [{ from: 'device', to: 'edge', link: 'wifi-16m' }],
      }),
    );
    const refused = expectCode(() => loadTopology(topology), 'BAD_PROFILE');
    expectOneLineNaming(refused.message, device, '4.0 MiB');
  });

  it('a file at the limit is read (and then judged as JSON), one byte over is not', () => {
    const atLimit = sparse('at-limit.json', MAX_PROFILE_FILE_BYTES);
    expect(expectCode(() => loadDeviceProfile(atLimit), 'BAD_PROFILE').message).toContain('not valid JSON');
    const over = sparse('over-limit.json', MAX_PROFILE_FILE_BYTES + 1);
    expect(expectCode(() => loadDeviceProfile(over), 'BAD_PROFILE').message).toContain(
      'more than a profile file',
    );
  });

  it('`cutline profile --from-table` refuses an oversized saved profile the same way', () => {
    const saved = sparse('this-machine.json', HUGE);
    expectOneLineNaming(expectCode(() => peakOfSaved(saved), 'BAD_PROFILE').message, saved, '4.0 MiB');
  });
});

describe('project and measurement-table files', () => {
  it('the CLI refuses a 3 GiB project file from its size, naming it and the limit', () => {
    const project = sparse('design.cutline.json', HUGE);
    const refused = expectCode(() => readProjectFile(project), 'BAD_PROJECT');
    expectOneLineNaming(refused.message, project, String(64 * 1024 ** 2));
  });

  it('the studio host refuses it too, naming it and the limit', async () => {
    const project = sparse('studio-design.cutline.json', HUGE);
    const read = await hostReadProjectFile(project);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.error.code).toBe('BAD_PROJECT');
    expectOneLineNaming(read.error.message, project, '64.0 MiB');
  });

  it('a 3 GiB measurement table is refused from its size, naming it and the limit', () => {
    const table = sparse('this-machine.measurements.json', HUGE);
    const refused = expectCode(() => readMeasurementTable(table), 'BAD_PROFILE');
    expectOneLineNaming(refused.message, table, String(64 * 1024 * 1024));
  });
});
