// Browser-history side of the router: a hook that re-renders on navigation and a Link
// that navigates without reloading the page.
import { h, type ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { stripBase, withBase } from './router.ts';

const kEvent = 'callpy:navigate';

export interface Loc {
  /** Path inside the app, without the /app base: "/sites/x/general". */
  path: string;
  query: URLSearchParams;
}

function current(): Loc {
  return { path: stripBase(location.pathname), query: new URLSearchParams(location.search) };
}

/** Navigate to an app path ("/sites?x=1"); `replace` keeps the history length. */
export function navigate(to: string, replace = false): void {
  const url = withBase(to);
  if (url === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  window.dispatchEvent(new Event(kEvent));
  window.scrollTo(0, 0);
}

export function useLocation(): Loc {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const update = () => setLoc(current());
    window.addEventListener('popstate', update);
    window.addEventListener(kEvent, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(kEvent, update);
    };
  }, []);
  return loc;
}

interface LinkProps {
  to: string;
  class?: string;
  children?: ComponentChildren;
  testid?: string;
  current?: boolean;
}

export function Link({ to, class: cls, children, testid, current: isCurrent }: LinkProps) {
  const onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return h(
    'a',
    { href: withBase(to), class: cls, onClick, 'data-testid': testid, 'aria-current': isCurrent ? 'page' : undefined },
    children,
  );
}
