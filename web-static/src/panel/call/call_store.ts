// One CallController per operator client (the signed-in user's socket), created on first use
// by the call dock or a dialog's call button, both reaching it through the client. Tests reach
// the media leg as window.__callpyCall.
import { CallController } from '../../shared/call_controller.ts';
import { browserMediaDeps, type CallSession } from '../../shared/call_session.ts';
import { ring } from '../../shared/call_ring.ts';
import type { OperatorClient } from '../chat/operator_client.ts';
import { callFrameForOperator } from './ring_filter.ts';

const controllers = new WeakMap<OperatorClient, CallController>();

export function callControllerFor(client: OperatorClient): CallController {
  let c = controllers.get(client);
  if (c) return c;
  const created = new CallController({
    me: () => ({ kind: 'operator', id: client.snapshot.user?.id ?? -1 }),
    send: (frame) => client.sendCall(frame),
    media: browserMediaDeps(),
    exposeSession: (s) => {
      (window as unknown as { __callpyCall?: CallSession | null }).__callpyCall = s;
    },
    ring,
    setTimer: (fn, ms) => setTimeout(fn, ms),
    clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  });
  // F21: a visitor's call pops up only for the operators being rung now (ring_filter.ts).
  client.calls.attach((f) => created.handleFrame(callFrameForOperator(f, client.snapshot.user?.id ?? -1)));
  controllers.set(client, created);
  c = created;
  return c;
}
