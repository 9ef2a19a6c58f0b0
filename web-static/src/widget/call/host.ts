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

  /** Loads call.js if needed (a call rings, or the visitor pressed a call button). */
  load(): Promise<CallHandle> {
    this.handle ??= new Promise<CallMount>((resolve, reject) => {
      const s = document.createElement('script') as HTMLScriptElement & { _cb?: (m: CallMount) => void };
      s.src = this.publicUrl + '/widget/call.js';
      s.async = true;
      // call.js hands its mount function back through its own script element: no global.
      s._cb = resolve;
      s.onerror = () => {
        this.handle = null;
        reject(new Error('call.js failed to load'));
      };
      (document.head || document.body).appendChild(s);
    }).then((mount) =>
      mount(this.el, {
        root: this.root,
        send: (f) => this.client.sendCall(f),
        attach: (sink) => this.client.calls.attach(sink),
        lang: this.lang,
      }),
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
