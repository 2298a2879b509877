// Focus after an action that replaces what the user was looking at (New, Load, Relaunch, Start generation, Delete):
// the action asks before it navigates or removes, the page that appears takes the request and focuses its heading,
// so keyboard and screen-reader users land on the new content instead of on the page's top (WCAG 2.4.3).

let pending = false;

/** Asks the next page (or list) that appears to move focus to its heading. */
export function requestHeadingFocus(): void {
  pending = true;
}

/** Whether a heading focus was asked for since the last call; the request is used up. */
export function takeHeadingFocus(): boolean {
  const was = pending;
  pending = false;
  return was;
}
