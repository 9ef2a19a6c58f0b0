// F21: the callback request offered instead of calls outside working hours. The same phone rule
// as the daemon (core/calls/call_routing): 5 to 32 characters of digits, spaces and + ( ) -,
// at least 3 of them digits; surrounding white space does not count.
export function isValidCallbackPhone(raw: string): boolean {
  const v = raw.trim();
  return v.length >= 5 && v.length <= 32 && /^[0-9 +()-]+$/.test(v) && (v.match(/[0-9]/g)?.length ?? 0) >= 3;
}

/** The frame; the daemon stores the number and posts «Просьба перезвонить: …» to the dialog. */
export function callbackFrame(cid: string, phone: string, name: string): Record<string, unknown> {
  return { t: 'call_callback', cid, phone: phone.trim(), name: name.trim().slice(0, 200) };
}
