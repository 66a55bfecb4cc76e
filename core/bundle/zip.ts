/** A folder as a .zip (yazl streams it: a bundle's weights never sit in memory twice). */
import fs from 'node:fs';
import path from 'node:path';
import { ZipFile } from 'yazl';

export async function writeZip(dir: string, zipPath: string): Promise<void> {
  const zip = new ZipFile();
  const root = path.basename(dir);
  const walk = (folder: string): void => {
    for (const entry of fs
      .readdirSync(folder, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(folder, entry.name);
      const relative = path.relative(dir, full).split(path.sep).join('/');
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) zip.addFile(full, `${root}/${relative}`);
    }
  };
  walk(dir);
  const temporary = `${zipPath}.partial-${process.pid}`;
  await new Promise<void>((resolve, reject) => {
    const out = fs.createWriteStream(temporary);
    out.on('close', resolve);
    out.on('error', reject);
    zip.outputStream.on('error', reject);
    zip.outputStream.pipe(out);
    zip.end();
  });
  fs.renameSync(temporary, zipPath);
}
