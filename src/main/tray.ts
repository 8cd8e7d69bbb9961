/**
 * The tray icon (PRODUCT.md §2): a dot whose colour follows health (green ok, amber degraded, red down), a tooltip
 * with PAPER / LIVE and what is not green, and a menu: Open, Pause / Resume processing, Quit.
 */
import { Menu, Tray, nativeImage, type NativeImage } from 'electron';
import type { Health, QueueStatus } from '../shared/dto';
import { dotDataUrl, type TrayColour } from './tray-icon';

/** green when everything is healthy, amber when degraded or not known yet, red when down. */
export function trayColour(health: Health | null): TrayColour {
  if (!health) return 'amber';
  if (health.status === 'ok') return 'green';
  if (health.status === 'down') return 'red';
  return 'amber';
}

const NAMES = {
  redis: 'Redis',
  ib: 'IB Gateway',
  feed: 'Zehnlabs feed',
  processor: 'Processor',
  queue: 'Queue',
} as const;

/** The tooltip: mode and overall state, then each component that is not green (Windows shows up to 127 chars). */
export function trayTooltip(health: Health | null, tradingMode: 'paper' | 'live'): string {
  const head = `Rebalance Desk — ${tradingMode.toUpperCase()}`;
  if (!health) return `${head}: starting…`;
  const problems = (Object.keys(NAMES) as (keyof typeof NAMES)[])
    .filter((key) => health[key].state !== 'green')
    .map((key) => `${NAMES[key]}: ${health[key].detail}`);
  const text = [`${head}: ${health.status === 'ok' ? 'all healthy' : health.status}`, ...problems].join('\n');
  return text.length > 127 ? `${text.slice(0, 126)}…` : text;
}

export function trayImage(colour: TrayColour): NativeImage {
  const image = nativeImage.createFromDataURL(dotDataUrl(colour, 16));
  image.addRepresentation?.({ scaleFactor: 2, dataURL: dotDataUrl(colour, 32) });
  return image;
}

export interface DeskTrayOptions {
  onOpen(): void;
  onQuit(): void;
  pause(): Promise<QueueStatus>;
  resume(): Promise<QueueStatus>;
  queueStatus(): Promise<QueueStatus>;
  tradingMode(): 'paper' | 'live';
  onError?(message: string): void;
}

export class DeskTray {
  readonly tray: Tray;
  colour: TrayColour = 'amber';
  paused = false;
  /** Rebalances awaiting approval (§19), shown in the menu. */
  awaiting = 0;
  private health: Health | null = null;

  constructor(private readonly options: DeskTrayOptions) {
    this.tray = new Tray(trayImage(this.colour));
    this.tray.on('click', () => options.onOpen());
    this.render();
  }

  /** Called with each `health` stream message (and the first health after start). */
  update(health: Health): void {
    this.health = health;
    this.colour = trayColour(health);
    this.render();
    this.options.queueStatus().then(
      (status) => {
        this.awaiting = status.counts.awaiting;
        this.paused = status.paused;
        this.render();
      },
      () => undefined,
    );
  }

  setPaused(paused: boolean): void {
    if (paused === this.paused) return;
    this.paused = paused;
    this.render();
  }

  destroy(): void {
    if (!this.tray.isDestroyed()) this.tray.destroy();
  }

  private async toggle(pause: boolean): Promise<void> {
    try {
      const status = await (pause ? this.options.pause() : this.options.resume());
      this.setPaused(status.paused);
    } catch (error) {
      this.options.onError?.(`${pause ? 'Pause' : 'Resume'} failed: ${(error as Error).message}`);
    }
  }

  private render(): void {
    if (this.tray.isDestroyed()) return;
    this.tray.setImage(trayImage(this.colour));
    this.tray.setToolTip(trayTooltip(this.health, this.options.tradingMode()));
    this.tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Open Rebalance Desk', click: () => this.options.onOpen() },
        ...(this.awaiting > 0
          ? [{ id: 'awaiting', label: `${this.awaiting} awaiting approval`, click: () => this.options.onOpen() }]
          : []),
        { type: 'separator' },
        this.paused
          ? { id: 'resume', label: 'Resume processing', click: () => void this.toggle(false) }
          : { id: 'pause', label: 'Pause processing', click: () => void this.toggle(true) },
        { type: 'separator' },
        { label: 'Quit', click: () => this.options.onQuit() },
      ]),
    );
  }
}
