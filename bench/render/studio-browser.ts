/**
 * The studio as the render benchmark drives it: the local web host started in this process with
 * the built renderer, and headless Chromium (scripts/find-browser.ts) through playwright-core, at a fixed
 * 1440×900 viewport and with background throttling off so frames come at the display's 60 Hz.
 * The host gets an empty samples folder: no first model opens by itself, so nothing competes
 * with the measured open.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { AUTOSAVE_FILE } from '../../app/host/autosave.js';
import { startWebHost, type WebHost } from '../../app/host/web/server.js';
import { installPageProbe, type ProbeHost } from './page-probe.js';
import { RENDERER_DIR } from './renderer-build.js';
import { launchChromium, STUDIO_VIEWPORT } from '../../test/e2e/support/browser.js';

export const VIEWPORT = STUDIO_VIEWPORT;
const PAGE_READY_TIMEOUT_MS = 30_000;

/**
 * tsx compiles this file with esbuild's keepNames, which wraps named inner functions in
 * `__name(fn, "name")`; functions serialized into the page need that helper there too.
 */
const KEEP_NAMES_SHIM = 'globalThis.__name = (fn) => fn;';

export interface BenchStudio {
  readonly browserVersion: string;
  /** A fresh page in its own context with the studio loaded, idle, and the probe installed; close with `page.context().close()`. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function startBenchStudio(): Promise<BenchStudio> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-bench-render-'));
  const samplesDir = path.join(scratch, 'no-samples');
  const configDir = path.join(scratch, 'config');
  fs.mkdirSync(samplesDir);
  let web: WebHost | undefined;
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close();
    await web?.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  };
  try {
    web = await startWebHost({
      studio: { configDir, samplesDir },
      staticDir: RENDERER_DIR,
    });
    // Frames must keep coming when the page is not in front: no background throttling.
    browser = await launchChromium([
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
    ]);
  } catch (error) {
    await close();
    throw error;
  }
  const url = web.url;
  const running = browser;
  return {
    browserVersion: running.version(),
    async newPage() {
      // A page the bench left with edits autosaved them; a new page would open on the recovery
      // offer (modal) instead of an empty studio. Each measurement starts from none.
      fs.rmSync(path.join(configDir, AUTOSAVE_FILE), { force: true });
      const context = await running.newContext({ viewport: VIEWPORT, colorScheme: 'light' });
      await context.addInitScript({ content: KEEP_NAMES_SHIM });
      await context.addInitScript(installPageProbe);
      const page = await context.newPage();
      await page.goto(url);
      // Settled: host info and samples asked for, the (absent) first model abandoned.
      await page.evaluate(
        (timeoutMs) => (globalThis as unknown as ProbeHost).__cutlineBench!.settle(timeoutMs),
        PAGE_READY_TIMEOUT_MS,
      );
      return page;
    },
    close,
  };
}
