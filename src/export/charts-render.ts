/**
 * Renders a Vega-Lite spec to SVG text with no browser and no canvas (Vega's headless `renderer: 'none'`). Vega and
 * Vega-Lite are loaded on the first chart only, so a command that draws none does not pay their start-up.
 * @module
 * @internal
 */
import type { TopLevelSpec } from 'vega-lite';

/**
 * A Vega-Lite spec as the chart builders write it.
 * @internal
 */
export type ChartSpec = TopLevelSpec;

interface Libraries {
  readonly compile: (spec: TopLevelSpec) => { spec: object };
  readonly render: (vgSpec: object) => Promise<string>;
}

let libraries: Promise<Libraries> | undefined;

// Loaded once, lazily: importing vega costs ~0.4 s, which `replay` without charts must not pay.
function load(): Promise<Libraries> {
  libraries ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vegaLite]) => ({
    compile: (spec) => vegaLite.compile(spec),
    render: async (vgSpec) => {
      const view = new vega.View(vega.parse(vgSpec), { renderer: 'none' });
      try {
        return await view.toSVG();
      } finally {
        view.finalize();
      }
    },
  }));
  return libraries;
}

/** Font, sizes and colours every chart shares, so the four read as one set. */
const CONFIG = {
  font: 'sans-serif',
  background: 'white',
  view: { stroke: '#ccc' },
  title: { anchor: 'start', fontSize: 14, subtitleFontSize: 11, subtitleColor: '#555' },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 220 },
} as const;

/**
 * The SVG of a Vega-Lite spec: the same spec gives the same bytes (no clip paths or gradients, whose ids Vega numbers
 * per process; no dates).
 * @param spec - a Vega-Lite spec with its data inline
 * @returns the SVG document's text
 * @internal
 */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  const { compile, render } = await load();
  const withConfig = { ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec;
  const svg = await render(compile(withConfig).spec);
  return svg;
}
