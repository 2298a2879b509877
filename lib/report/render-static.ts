import 'server-only';
import type { ReactElement } from 'react';

type DomServer = typeof import('react-dom/server');

/**
 * `renderToStaticMarkup(element)` from react-dom/server, loaded by Node at run time rather than bundled. Next.js
 * compiles route handlers for React Server Components, where a static import of react-dom/server fails the build
 * ("You're importing a component that imports react-dom/server") and the package resolves to a stub that throws.
 * Loaded by Node, react-dom/server and its React come from node_modules; React elements are plain objects tagged with
 * a global `Symbol.for`, so the bundle's elements render there (the report components use no hooks or context).
 */
export async function renderStatic(element: ReactElement): Promise<string> {
  const mod = (await import(/* turbopackIgnore: true */ /* webpackIgnore: true */ 'react-dom/server')) as DomServer & {
    default?: DomServer;
  };
  return (mod.default ?? mod).renderToStaticMarkup(element);
}
