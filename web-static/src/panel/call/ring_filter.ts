// F21: a visitor's call rings only the operators in its `ringing` list (sequential ringing rings
// one at a time), yet every operator of the site gets the `call` frames. For an operator not
// being rung now, a ringing visitor call is shown as one this tab has no part in: the frame is
// handed on as `active`, which the call model treats as "someone else's call" (no popup, and a
// popup already shown closes quietly). Frames without `ringing` (older daemons) ring everyone.
export function callFrameForOperator(raw: unknown, me: number): unknown {
  if (typeof raw !== 'object' || raw === null) return raw;
  const f = raw as { t?: unknown; call?: unknown };
  if (f.t !== 'call' || typeof f.call !== 'object' || f.call === null) return raw;
  const call = f.call as { from?: unknown; state?: unknown; ringing?: unknown };
  if (call.from !== 'visitor' || call.state !== 'ringing' || !Array.isArray(call.ringing)) return raw;
  if (call.ringing.includes(me)) return raw;
  return { ...f, call: { ...call, state: 'active' } };
}
