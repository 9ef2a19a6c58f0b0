// Inline SVG icons of the chat controls (no emoji font needed); decorative only.
const kProps = { width: 16, height: 16, viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', 'stroke-width': 2, 'stroke-linecap': 'round', 'stroke-linejoin': 'round', 'aria-hidden': 'true', class: 'icon' } as const;

export const IconPin = () => (
  <svg {...kProps}>
    <path d="M9 3h6l-1 6 4 4H6l4-4-1-6zM12 13v8" />
  </svg>
);

/** Quick replies: a speech bubble with lines. */
export const IconReplies = () => (
  <svg {...kProps}>
    <path d="M21 15a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z" />
    <path d="M7 8h10M7 12h6" />
  </svg>
);
