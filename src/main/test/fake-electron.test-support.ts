/**
 * A hand-written stand-in for the `electron` module (the binary cannot run here). Tests use it with
 * `vi.mock('electron', () => import('./test/fake-electron.test-support'))` and inspect what the shell did through `fake`.
 */
import { EventEmitter } from 'node:events';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fakes accept whatever Electron would pass
type Loose = any;
type Listener = (...args: Loose[]) => unknown;

/** A prevent-able event object as Electron passes to listeners. */
export function fakeEvent(extra: Record<string, unknown> = {}) {
  const event = {
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true;
    },
    ...extra,
  };
  return event;
}

export class FakeWebContents extends EventEmitter {
  url = '';
  destroyed = false;
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | null = null;
  sent: { channel: string; message: unknown }[] = [];
  reloads = 0;
  reload() {
    this.reloads += 1;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }) {
    this.windowOpenHandler = handler;
  }
  getURL() {
    return this.url;
  }
  isDestroyed() {
    return this.destroyed;
  }
  send(channel: string, message: unknown) {
    this.sent.push({ channel, message });
  }
}

export class BrowserWindow extends EventEmitter {
  static instances: BrowserWindow[] = [];
  static getAllWindows() {
    return BrowserWindow.instances.filter((w) => !w.destroyed);
  }
  readonly webContents = new FakeWebContents();
  readonly options: Record<string, Loose>;
  title: string;
  destroyed = false;
  visible = false;
  minimized = false;
  maximized = false;
  calls: string[] = [];
  loaded: { file?: string; url?: string; hash?: string } | null = null;

  constructor(options: Record<string, Loose> = {}) {
    super();
    this.options = options;
    this.title = String(options.title ?? '');
    BrowserWindow.instances.push(this);
    app.emit('web-contents-created', fakeEvent(), this.webContents);
  }
  loadFile(file: string, opts: { hash?: string } = {}) {
    this.loaded = { file, ...(opts.hash === undefined ? {} : { hash: opts.hash }) };
    this.webContents.url = `file://${file}${opts.hash ? `#${opts.hash}` : ''}`;
    return Promise.resolve();
  }
  loadURL(url: string) {
    this.loaded = { url };
    this.webContents.url = url;
    return Promise.resolve();
  }
  isDestroyed() {
    return this.destroyed;
  }
  isMinimized() {
    return this.minimized;
  }
  isMaximized() {
    return this.maximized;
  }
  maximize() {
    this.calls.push('maximize');
    this.maximized = true;
  }
  restore() {
    this.calls.push('restore');
    this.minimized = false;
  }
  show() {
    this.calls.push('show');
    this.visible = true;
  }
  focus() {
    this.calls.push('focus');
  }
  setTitle(title: string) {
    this.title = title;
  }
  getTitle() {
    return this.title;
  }
  getNormalBounds() {
    return { x: 10, y: 20, width: 1000, height: 700 };
  }
  close() {
    this.destroyed = true;
    this.emit('closed');
  }
}

class FakeApp extends EventEmitter {
  userData = '/tmp/rebalance-desk-fake';
  isPackaged = false;
  gotLock = true;
  ready = false;
  exitCode: number | null = null;
  calls: string[] = [];
  private readyResolve: (() => void) | null = null;
  private readyPromise = this.newReadyPromise();
  private newReadyPromise() {
    return new Promise<void>((resolve) => {
      this.readyResolve = resolve;
    });
  }
  /** Test helper: back to "not ready yet". */
  reset() {
    this.ready = false;
    this.readyPromise = this.newReadyPromise();
  }
  appData = '/tmp';
  name = 'rebalance-desk';
  getPath(name: string) {
    if (name === 'appData') return this.appData;
    if (name !== 'userData') throw new Error(`unexpected getPath(${name})`);
    return this.userData;
  }
  setPath(name: string, path: string) {
    if (name !== 'userData') throw new Error(`unexpected setPath(${name})`);
    this.userData = path;
  }
  setName(name: string) {
    this.name = name;
  }
  getAppPath() {
    return '/tmp/rebalance-desk-app';
  }
  requestSingleInstanceLock() {
    return this.gotLock;
  }
  whenReady() {
    return this.readyPromise;
  }
  isReady() {
    return this.ready;
  }
  /** Test helper: fires `ready`. */
  becomeReady() {
    this.ready = true;
    this.readyResolve?.();
  }
  setAppUserModelId(id: string) {
    this.calls.push(`setAppUserModelId:${id}`);
  }
  quit() {
    this.calls.push('quit');
    const event = fakeEvent();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.calls.push('quit-proceeded');
  }
  exit(code = 0) {
    this.calls.push('exit');
    this.exitCode = code;
  }
  relaunch() {
    this.calls.push('relaunch');
  }
  /** The last app.setLoginItemSettings (launch at login, §29). */
  loginItem: { openAtLogin?: boolean; args?: string[] } | null = null;
  setLoginItemSettings(settings: { openAtLogin?: boolean; args?: string[] }) {
    this.loginItem = { ...settings };
  }
  getLoginItemSettings() {
    return { openAtLogin: this.loginItem?.openAtLogin ?? false };
  }
}

export const app = new FakeApp();

export const ipcMain = {
  handlers: new Map<string, Listener>(),
  handle(channel: string, listener: Listener) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  },
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  },
  /** Test helper: what the window's `desk.call(name, input)` from a frame at `url` gets back (a `CallResult`). */
  call(url: string, name: string, input: unknown = {}): Promise<unknown> {
    const handler = this.handlers.get('desk:call');
    if (!handler) throw new Error('nothing handles desk:call');
    return Promise.resolve(handler({ senderFrame: { url } }, name, input));
  },
};

export const ipcRenderer = Object.assign(new EventEmitter(), {
  invoked: [] as unknown[][],
  invoke(...args: unknown[]) {
    ipcRenderer.invoked.push(args);
    return Promise.resolve({ ok: true, value: { echoed: args } });
  },
});

export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(key: string, api: unknown) {
    this.exposed.set(key, api);
  },
};

export const session = {
  defaultSession: {
    headersListener: null as Listener | null,
    permissionRequestHandler: null as Listener | null,
    permissionCheckHandler: null as Listener | null,
    webRequest: {
      onHeadersReceived(listener: Listener) {
        session.defaultSession.headersListener = listener;
      },
    },
    setPermissionRequestHandler(handler: Listener) {
      this.permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(handler: Listener) {
      this.permissionCheckHandler = handler;
    },
    certificateVerifyProc: null as Listener | null,
    setCertificateVerifyProc(proc: Listener | null) {
      this.certificateVerifyProc = proc;
    },
  },
};

export const protocol = {
  privileged: [] as { scheme: string; privileges?: Record<string, boolean> }[],
  handlers: new Map<string, (request: Request) => Promise<Response> | Response>(),
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges?: Record<string, boolean> }[]) {
    if (app.ready) throw new Error('registerSchemesAsPrivileged must be called before app is ready');
    this.privileged.push(...schemes);
  },
  handle(scheme: string, handler: (request: Request) => Promise<Response> | Response) {
    if (!app.ready) throw new Error('protocol.handle must be called after app is ready');
    if (this.handlers.has(scheme)) throw new Error(`protocol ${scheme} is already handled`);
    this.handlers.set(scheme, handler);
  },
  isProtocolHandled(scheme: string) {
    return this.handlers.has(scheme);
  },
};

export const shell = {
  opened: [] as string[],
  paths: [] as string[],
  openExternal(url: string) {
    this.opened.push(url);
    return Promise.resolve();
  },
  openPath(path: string) {
    this.paths.push(path);
    return Promise.resolve('');
  },
};

export const safeStorage = {
  available: true,
  backend: 'gnome_libsecret' as 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown',
  isAsyncEncryptionAvailable() {
    return Promise.resolve(this.available);
  },
  /** The keychain's key; a blob of an older key decrypts with `shouldReEncrypt: true` (a rotated key). */
  keyVersion: 1,
  encryptStringAsync(text: string) {
    if (!this.available) return Promise.reject(new Error('encryption is not available'));
    const prefix = this.keyVersion === 1 ? 'enc:' : `enc${this.keyVersion}:`;
    return Promise.resolve(Buffer.from(`${prefix}${Buffer.from(text).toString('hex')}`));
  },
  decryptStringAsync(data: Buffer) {
    const match = /^enc(\d*):([0-9a-f]*)$/.exec(data.toString());
    if (!match) return Promise.reject(new Error('not encrypted by this fake'));
    const version = match[1] ? Number(match[1]) : 1;
    return Promise.resolve({
      shouldReEncrypt: version < this.keyVersion,
      result: Buffer.from(match[2] ?? '', 'hex').toString(),
    });
  },
  getSelectedStorageBackend() {
    return this.backend;
  },
};

export class FakeImage {
  representations: unknown[] = [];
  constructor(readonly dataURL: string) {}
  addRepresentation(rep: unknown) {
    this.representations.push(rep);
  }
}

export const nativeImage = {
  createFromDataURL(url: string) {
    return new FakeImage(url);
  },
};

export interface FakeMenuItem {
  id?: string;
  label?: string;
  role?: string;
  type?: string;
  submenu?: FakeMenuItem[];
  click?: (item?: Loose) => void;
}

export const Menu = {
  applicationMenu: null as { items: FakeMenuItem[] } | null,
  buildFromTemplate(items: FakeMenuItem[]) {
    return { items };
  },
  setApplicationMenu(menu: { items: FakeMenuItem[] } | null) {
    Menu.applicationMenu = menu;
  },
};

export class Tray extends EventEmitter {
  static instances: Tray[] = [];
  image: FakeImage;
  tooltip = '';
  menu: { items: FakeMenuItem[] } | null = null;
  destroyed = false;
  constructor(image: FakeImage) {
    super();
    this.image = image;
    Tray.instances.push(this);
  }
  setImage(image: FakeImage) {
    this.image = image;
  }
  setToolTip(text: string) {
    this.tooltip = text;
  }
  setContextMenu(menu: { items: FakeMenuItem[] }) {
    this.menu = menu;
  }
  isDestroyed() {
    return this.destroyed;
  }
  destroy() {
    this.destroyed = true;
  }
}

export class Notification extends EventEmitter {
  static supported = true;
  static shown: { title: string; body: string }[] = [];
  static isSupported() {
    return Notification.supported;
  }
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  show() {
    Notification.shown.push({ title: this.options.title, body: this.options.body });
  }
}

export const dialog = {
  messages: [] as { type?: string; message: string; detail?: string; buttons?: string[] }[],
  errors: [] as { title: string; content: string }[],
  /** Answers for showMessageBox, in order; 0 (the first button) when empty. */
  responses: [] as number[],
  /** Answers for showOpenDialog, in order. */
  folders: [] as (string | null)[],
  showMessageBox(...args: unknown[]) {
    const options = (args.length > 1 ? args[1] : args[0]) as (typeof dialog.messages)[number];
    dialog.messages.push(options);
    return Promise.resolve({ response: dialog.responses.shift() ?? 0, checkboxChecked: false });
  },
  showOpenDialog() {
    const folder = dialog.folders.shift() ?? null;
    return Promise.resolve({ canceled: folder === null, filePaths: folder ? [folder] : [] });
  },
  showErrorBox(title: string, content: string) {
    dialog.errors.push({ title, content });
  },
};

export const powerMonitor = new EventEmitter();

/** powerSaveBlocker: the blockers started and not stopped, by id, with their type. */
export const powerSaveBlocker = {
  nextId: 1,
  active: new Map<number, string>(),
  start(type: 'prevent-app-suspension' | 'prevent-display-sleep'): number {
    const id = powerSaveBlocker.nextId++;
    powerSaveBlocker.active.set(id, type);
    return id;
  },
  stop(id: number): void {
    powerSaveBlocker.active.delete(id);
  },
  isStarted(id: number): boolean {
    return powerSaveBlocker.active.has(id);
  },
};

export const screen = {
  getAllDisplays() {
    return [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }];
  },
};

/** Puts every fake back to its first state (between tests). */
export function resetFakes(): void {
  BrowserWindow.instances = [];
  Tray.instances = [];
  Notification.shown = [];
  Notification.supported = true;
  app.removeAllListeners();
  app.reset();
  app.calls = [];
  app.exitCode = null;
  app.gotLock = true;
  ipcMain.handlers.clear();
  ipcRenderer.removeAllListeners();
  ipcRenderer.invoked = [];
  contextBridge.exposed.clear();
  session.defaultSession.headersListener = null;
  session.defaultSession.permissionRequestHandler = null;
  session.defaultSession.permissionCheckHandler = null;
  session.defaultSession.certificateVerifyProc = null;
  shell.opened = [];
  shell.paths = [];
  protocol.privileged = [];
  protocol.handlers.clear();
  safeStorage.available = true;
  safeStorage.backend = 'gnome_libsecret';
  safeStorage.keyVersion = 1;
  Menu.applicationMenu = null;
  dialog.messages = [];
  dialog.errors = [];
  dialog.responses = [];
  dialog.folders = [];
  powerMonitor.removeAllListeners();
  powerSaveBlocker.active.clear();
  app.loginItem = null;
}

export default {
  app,
  BrowserWindow,
  contextBridge,
  dialog,
  ipcMain,
  ipcRenderer,
  Menu,
  nativeImage,
  Notification,
  powerMonitor,
  powerSaveBlocker,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
  Tray,
};
