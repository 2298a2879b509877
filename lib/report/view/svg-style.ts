/** What the report's static SVG charts share (dose-response-svg.tsx, variant-chart-svg.tsx): colours, font, width, rounding. */
export const GREY = '#868e96';
export const TEXT = '#212529';
export const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif';
export const WIDTH = 510;

/** Coordinates rounded to 0.1 px. */
export const r1 = (x: number): number => Math.round(x * 10) / 10;
