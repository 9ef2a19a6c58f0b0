// First-response offers (issue 4 §4): dialogs nobody answered in the site's time, offered to
// every online operator until one takes it. Immutable list helpers (same array when unchanged,
// so the client can skip a re-render).

export function addOffer(offers: number[], dialog: number): number[] {
  return offers.includes(dialog) ? offers : [dialog, ...offers];
}

export function removeOffer(offers: number[], dialog: number): number[] {
  return offers.includes(dialog) ? offers.filter((d) => d !== dialog) : offers;
}
