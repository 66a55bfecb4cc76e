/** Opens a URL in the system's browser, if it has one; failing quietly is fine, the URL is printed. */
import { spawn } from 'node:child_process';

export function openInBrowser(url: string, platform: NodeJS.Platform = process.platform): void {
  const [command, args] =
    platform === 'darwin'
      ? ['open', [url]]
      : platform === 'win32'
        ? // `start` is a cmd built-in; the empty string is its window-title argument.
          ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true, windowsHide: true });
    child.once('error', () => undefined);
    child.unref();
  } catch {
    // No opener installed: the printed URL is the way in.
  }
}
