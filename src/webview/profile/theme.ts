// Colours come from CSS variables (media/profile.css maps VS Code's --vscode-* variables to --nl-*,
// with per-theme fallbacks), so charts and the timeline follow light, dark and high-contrast themes.
import type { TimelineTheme } from './timeline';
import { cssVar } from './dom';

export interface Theme {
  kind: 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';
  foreground: string;
  muted: string;
  background: string;
  grid: string;
  laneAlt: string;
  focus: string;
  font: string;
  /** Series colours, from --vscode-charts-* */
  palette: string[];
  read: string;
  write: string;
  timeline: TimelineTheme;
}

export function themeKind(): Theme['kind'] {
  const c = document.body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-dark')) return 'dark';
  return 'light';
}

export function readTheme(): Theme {
  const kind = themeKind();
  const foreground = cssVar('--nl-fg', '#333333');
  const muted = cssVar('--nl-muted', '#717171');
  const background = cssVar('--nl-bg', '#ffffff');
  const grid = cssVar('--nl-grid', '#d0d0d0');
  const laneAlt = cssVar('--nl-lane-alt', '#f4f4f4');
  const focus = cssVar('--nl-focus', '#0090f1');
  const font = cssVar('--nl-font', 'system-ui, sans-serif');
  const palette = ['--nl-c1', '--nl-c2', '--nl-c3', '--nl-c4', '--nl-c5', '--nl-c6', '--nl-c7', '--nl-c8'].map((v, i) =>
    cssVar(v, ['#1a85ff', '#e51400', '#bf8803', '#d18616', '#388a34', '#652d90', '#007acc', '#b5200d'][i]));
  const group: TimelineTheme['group'] = {
    engine: cssVar('--nl-lane-engine', palette[0]),
    dma: cssVar('--nl-lane-dma', palette[4]),
    collective: cssVar('--nl-lane-collective', palette[5]),
    framework: cssVar('--nl-lane-framework', palette[3]),
    host: cssVar('--nl-lane-host', palette[2]),
    other: cssVar('--nl-lane-other', muted),
  };
  return {
    kind, foreground, muted, background, grid, laneAlt, focus, font, palette,
    read: palette[0], write: palette[3],
    timeline: { background, foreground, muted, grid, laneAlt, focus, palette, group, font },
  };
}

/** Calls back when VS Code switches theme (it changes the body class and the variables on <html>). */
export function onThemeChange(cb: () => void): void {
  let last = `${document.body.className}|${document.documentElement.getAttribute('style') ?? ''}`;
  const check = (): void => {
    const now = `${document.body.className}|${document.documentElement.getAttribute('style') ?? ''}`;
    if (now !== last) {
      last = now;
      cb();
    }
  };
  const mo = new MutationObserver(check);
  mo.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  mo.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
}
