// The chat.js side of calls: loads call.js (its own script, fetched only when a call starts or
// rings, so chat.js stays small) and keeps the element the call UI lives in. That element stays
// in the shadow root for the whole call — moved into the chat window while it is open, parked
// hidden while it is closed — so the remote audio keeps playing when the window is minimized.
import type { Json } from '../../shared/realtime.ts';
import type { ChatClient } from '../client.ts';

/** What chat.js hands to call.js. */
export interface CallMountContext {
  root: ShadowRoot;
  send(frame: Record<string, unknown>): boolean;
  attach(sink: (f: Json) => void): void;
  lang(): string;
  /** Fetches another widget script lazily (qr.js, F18); its value comes back through `_cb`. */
  script<T>(file: string): Promise<T>;
}

export interface CallHandle {
  start(video: boolean): void;
}

export type CallMount = (el: HTMLElement, ctx: CallMountContext) => CallHandle;

export class CallHost {
  readonly el: HTMLDivElement;
  private readonly parking: HTMLDivElement;
  private handle: Promise<CallHandle> | null = null;

  constructor(
    private readonly client: ChatClient,
    private readonly root: ShadowRoot,
    private readonly publicUrl: string,
    private readonly lang: () => string,
  ) {
    this.parking = document.createElement('div');
    this.parking.hidden = true;
    this.el = document.createElement('div');
    this.el.className = 'call';
    this.parking.appendChild(this.el);
    root.appendChild(this.parking);
  }

  /** A widget script that hands its value back through its own script element: no global. */
  private script<T>(file: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const s = document.createElement('script') as HTMLScriptElement & { _cb?: (v: T) => void };
      s.src = this.publicUrl + '/widget/' + file;
      s.async = true;
      s._cb = resolve;
      s.onerror = () => reject(new Error(file + ' failed to load'));
      (document.head || document.body).appendChild(s);
    });
  }

  /** Loads call.js if needed (a call rings, or the visitor pressed a call button). */
  load(): Promise<CallHandle> {
    this.handle ??= this.script<CallMount>('call.js').then((mount) =>
      mount(this.el, {
        root: this.root,
        send: (f) => this.client.sendCall(f),
        attach: (sink) => this.client.calls.attach(sink),
        lang: this.lang,
        script: (file) => this.script(file),
      }),
      (e) => {
        this.handle = null;
        throw e;
      },
    );
    return this.handle;
  }

  start(video: boolean): void {
    void this.load().then((h) => h.start(video), () => {});
  }

  /** The chat window shows the call here (null: the window closed, keep the call running hidden). */
  place(slot: HTMLElement | null): void {
    (slot ?? this.parking).appendChild(this.el);
  }
}
