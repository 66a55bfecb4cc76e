/**
 * A stand-in for the `electron` module, so the bundled main process (dist/main/main.cjs) can be
 * started in plain Node where Electron's binary is missing (test/electron-build.test.ts). Loaded
 * with `node -r`, it answers `require('electron')` with just enough of Electron's API for
 * main.ts's wiring to run, then drives one scenario the way a page and a user would: loads the
 * page through the protocol handler, calls the IPC handlers as the page and as a stranger, and
 * clicks an Open Sample menu item. It prints what it saw as one JSON line and quits the app.
 */
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS module, loaded with `node -r` */
const Module = require('node:module');
const { EventEmitter } = require('node:events');

const PAGE_URL = 'cutline-app://studio/index.html';
const report = { privileged: [], windowOptions: null, loadedUrl: null, titles: [], sent: [] };
const handlers = new Map();
const listeners = new Map();
let protocolHandler = null;
let menuTemplate = [];
const windows = [];

const app = new EventEmitter();
Object.assign(app, {
  isPackaged: false,
  setName: (name) => (report.appName = name),
  setPath: (name, value) => (report[`path:${name}`] = value),
  getPath: () => '/tmp/documents',
  requestSingleInstanceLock: (data) => ((report.lockData = data), true),
  whenReady: () => Promise.resolve(),
  quit() {
    const event = { defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) };
    app.emit('will-quit', event);
    // main.ts holds the first quit back until the host's workers are closed, then quits again.
    if (!event.defaultPrevented) process.exit(0);
  },
});

class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    report.windowOptions = options;
    const frame = { url: PAGE_URL, parent: null };
    this.webContents = Object.assign(new EventEmitter(), {
      mainFrame: frame,
      setWindowOpenHandler: (handler) => (report.hasWindowOpenHandler = typeof handler === 'function'),
      send: (channel, payload) => report.sent.push({ channel, payload }),
    });
    windows.push(this);
  }
  loadURL(url) {
    report.loadedUrl = url;
    setImmediate(() => void scenario(this).catch((error) => fail(error)));
    return Promise.resolve();
  }
  isDestroyed = () => false;
  isMinimized = () => false;
  setTitle = (title) => report.titles.push(title);
  show() {}
  focus() {}
  restore() {}
}
BrowserWindow.getAllWindows = () => [...windows];

const electron = {
  app,
  BrowserWindow,
  protocol: {
    registerSchemesAsPrivileged: (schemes) => report.privileged.push(...schemes),
    handle: (scheme, handler) => ((report.scheme = scheme), (protocolHandler = handler)),
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: () => (report.permissionsGuarded = true),
      setPermissionCheckHandler: () => undefined,
      webRequest: { onBeforeRequest: (filter) => (report.blockedUrls = filter.urls) },
    },
  },
  ipcMain: {
    handle: (channel, handler) => handlers.set(channel, handler),
    removeHandler: (channel) => handlers.delete(channel),
    on: (channel, listener) => listeners.set(channel, listener),
    off: (channel) => listeners.delete(channel),
  },
  Menu: {
    buildFromTemplate: (template) => template,
    setApplicationMenu: (template) => (menuTemplate = template),
  },
  nativeTheme: { shouldUseDarkColors: false, themeSource: 'system' },
  dialog: {},
  shell: { openExternal: () => Promise.resolve() },
};

const findItem = (items, id) => {
  for (const item of items) {
    if (item.id === id) return item;
    const inner = Array.isArray(item.submenu) ? findItem(item.submenu, id) : undefined;
    if (inner) return inner;
  }
  return undefined;
};

const until = async (check) => {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10));
};

async function scenario(window) {
  const page = await protocolHandler(new Request(PAGE_URL));
  report.page = { status: page.status, csp: page.headers.get('content-security-policy') };
  const fromPage = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
  report.hostInfo = await handlers.get('cutline:host-info')(fromPage);
  const initial = await handlers.get('cutline:initial-model')(fromPage);
  report.initial = initial && initial.ok ? initial.model.fileName : initial;
  report.stranger = await handlers
    .get('cutline:list-samples')({
      sender: window.webContents,
      senderFrame: { url: 'https://evil.example/', parent: null },
    })
    .then(
      () => 'answered',
      (error) => error.message,
    );
  report.channels = [...handlers.keys()].sort();
  await until(() => findItem(menuTemplate, 'sample:edge-prune-vehicle'));
  findItem(menuTemplate, 'sample:edge-prune-vehicle').click();
  await until(() => report.sent.some((message) => message.payload && message.payload.type === 'opened'));
  const opened = report.sent.find((message) => message.payload && message.payload.type === 'opened');
  report.openedFromMenu = opened.payload.result.ok
    ? opened.payload.result.model.fileName
    : opened.payload.result;
  report.progressEvents = report.sent.filter((message) => message.channel === 'cutline:progress').length;
  report.sent = undefined;
  process.stdout.write(`${JSON.stringify(report)}\n`);
  app.quit();
}

function fail(error) {
  process.stderr.write(`fake-electron scenario failed: ${error && error.stack}\n`);
  process.exit(1);
}

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'electron' ? __filename : resolveFilename.call(this, request, ...rest);
};
module.exports = electron;
