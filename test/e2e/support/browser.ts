/**
 * Real Chromium (CHROMIUM_PATH, else an installed Chromium or Chrome: scripts/find-browser.ts)
 * driven by playwright-core, against the local web host started in this process with the built
 * renderer (dist/renderer/).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startWebHost, type WebHost } from '../../../app/host/web/server.js';
import { browserPath } from '../../../scripts/find-browser.js';

export const SCREENSHOT_DIR = path.resolve('test-results/screenshots');
export const TRACE_DIR = path.resolve('test-results/traces');
export const RENDERER_DIR = path.resolve('dist/renderer');

export interface StudioSession {
  readonly web: WebHost;
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Analysis jobs the host has run for the page so far (distinct job ids in its progress events). */
  jobsRun(): number;
  /** Keeps the trace (screenshots + DOM snapshots) when a test failed; deletes temp files. */
  close(failed: boolean, traceName: string): Promise<void>;
}

/** The window every studio test (and the render bench) drives: a laptop's, so layouts match the screenshots. */
export const STUDIO_VIEWPORT = { width: 1440, height: 900 } as const;

/** No sandbox (tests may run as root), no GPU, and nothing the browser would fetch by itself. */
const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** Headless Chromium as every browser test launches it; `extraArgs` after the common ones. */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: browserPath(), args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/**
 * @param options.configDir a config folder the test prepared (a kept calibration, say); a new
 *   empty one otherwise. Either is removed on close.
 */
export async function openStudio(options: {
  colorScheme: 'light' | 'dark';
  configDir?: string;
}): Promise<StudioSession> {
  if (!fs.existsSync(path.join(RENDERER_DIR, 'index.html'))) {
    throw new Error('dist/renderer/ is missing: run `npm run build:renderer` first (npm test does).');
  }
  const configDir = options.configDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-e2e-'));
  const web = await startWebHost({ studio: { configDir }, staticDir: RENDERER_DIR });
  const jobs = new Set<string>();
  web.host.onProgress((event) => jobs.add(event.jobId));
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: STUDIO_VIEWPORT, colorScheme: options.colorScheme });
  await context.tracing.start({ screenshots: true, snapshots: true });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(web.url);
  return {
    web,
    browser,
    context,
    page,
    jobsRun: () => jobs.size,
    async close(failed, traceName) {
      if (failed) {
        fs.mkdirSync(TRACE_DIR, { recursive: true });
        await context.tracing.stop({ path: path.join(TRACE_DIR, `${traceName}.zip`) });
      } else {
        await context.tracing.stop();
      }
      await browser.close();
      await web.close();
      fs.rmSync(configDir, { recursive: true, force: true });
      if (problems.length > 0 && !failed) throw new Error(`The page threw: ${problems.join('; ')}`);
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** The page's globals `dropFile` uses, typed here because the tests' tsconfig has no DOM types. */
interface DropGlobals {
  DataTransfer: new () => { items: { add(file: unknown): void } };
  File: new (parts: Uint8Array[], name: string, options: { type: string }) => unknown;
  DragEvent: new (
    type: string,
    init: { dataTransfer: unknown; bubbles: boolean; cancelable: boolean },
  ) => unknown;
  document: { querySelector(selector: string): { dispatchEvent(event: unknown): boolean } | null };
}

/** Drops a file onto the studio the way a browser does: a DataTransfer with the file in a drop event. */
export async function dropFile(page: Page, fileName: string, bytes: Uint8Array): Promise<void> {
  await page.evaluate(
    ({ name, base64 }) => {
      const web = globalThis as unknown as DropGlobals;
      const binary = atob(base64);
      const data = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) data[i] = binary.charCodeAt(i);
      const transfer = new web.DataTransfer();
      transfer.items.add(new web.File([data], name, { type: 'application/octet-stream' }));
      const target = web.document.querySelector('.studio')!;
      for (const type of ['dragenter', 'dragover', 'drop']) {
        target.dispatchEvent(
          new web.DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }),
        );
      }
    },
    { name: fileName, base64: Buffer.from(bytes).toString('base64') },
  );
}
