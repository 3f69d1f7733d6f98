// TypeDoc plugin: each ```mermaid block is drawn in the browser by a bundled copy of mermaid (no network at view
// time, no browser at build time), with its source kept in a collapsed <details> under the diagram.
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { JSX, MarkdownEvent, RendererEvent } from 'typedoc';

const BLOCK = /<pre><code class="mermaid">([\s\S]*?)<\/code>(?:<button[^>]*>[^<]*<\/button>)?<\/pre>/g;
const ASSET = 'assets/mermaid.min.js';

// Loads mermaid only on pages that hold a diagram, in typedoc's theme (its setting, else the OS preference), and
// draws again when the reader switches the theme.
const LOADER = `(function () {
  var blocks = Array.prototype.slice.call(document.querySelectorAll('pre.mermaid'));
  if (blocks.length === 0) return;
  var sources = blocks.map(function (block) { return block.innerHTML; });
  function draw() {
    var theme = document.documentElement.dataset.theme;
    var dark = theme === 'dark' || (theme !== 'light' && matchMedia('(prefers-color-scheme: dark)').matches);
    blocks.forEach(function (block, i) {
      block.innerHTML = sources[i];
      block.removeAttribute('data-processed');
    });
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: dark ? 'dark' : 'default' });
    return mermaid.run({ nodes: blocks }).then(function () {
      // a folded full diagram keeps its natural size, scrolled sideways: shrunk to the column it is unreadable
      document.querySelectorAll('details .mermaid-diagram svg').forEach(function (svg) {
        svg.style.width = svg.style.maxWidth;
        svg.style.maxWidth = 'none';
      });
    });
  }
  var script = document.createElement('script');
  script.src = document.currentScript.dataset.mermaid;
  script.onload = function () {
    draw().then(function () {
      new MutationObserver(draw).observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    });
  };
  document.head.appendChild(script);
})();`;

// Code keeps its lines (typedoc wraps them, which scrambles the ASCII flow in docs/architecture.md): scroll instead.
const STYLE = `pre { white-space: pre; word-wrap: normal; overflow-x: auto; }
.mermaid-diagram { overflow-x: auto; margin: 1em 0; }
.mermaid-diagram pre.mermaid { background: none; border: none; padding: 0; text-align: center; }
details.mermaid-source > summary { cursor: pointer; color: var(--color-text-aside); }`;

/** Replaces each mermaid code block with a drawable `<pre class="mermaid">` and its folded source. */
export function drawMermaidBlocks(html) {
  return html.replace(
    BLOCK,
    (_block, source) =>
      `<div class="mermaid-diagram"><pre class="mermaid">${source}</pre></div>` +
      `<details class="mermaid-source"><summary>Mermaid source</summary><pre><code>${source}</code></pre></details>`,
  );
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  let pagesWithDiagrams = 0;
  app.renderer.on(
    MarkdownEvent.PARSE,
    (event) => {
      const drawn = drawMermaidBlocks(event.parsedText);
      // A mermaid block in a shape we did not expect would show as raw source: fail the build (warnings are errors).
      if (drawn.includes('<code class="mermaid">'))
        app.logger.warn(`typedoc-mermaid: a mermaid block was not converted on ${event.page.url}`);
      if (drawn !== event.parsedText) pagesWithDiagrams += 1;
      event.parsedText = drawn;
    },
    -100, // after TypeDoc's own markdown parser, which listens at the default priority
  );
  app.renderer.hooks.on('head.end', () =>
    JSX.createElement('style', null, JSX.createElement(JSX.Raw, { html: STYLE })),
  );
  app.renderer.hooks.on('body.end', (context) =>
    JSX.createElement(
      'script',
      { 'data-mermaid': context.relativeURL(ASSET) },
      JSX.createElement(JSX.Raw, { html: LOADER }),
    ),
  );
  app.renderer.on(RendererEvent.END, (event) => {
    const require = createRequire(import.meta.url);
    const from = require.resolve('mermaid/dist/mermaid.min.js');
    const to = join(event.outputDirectory, ASSET);
    mkdirSync(join(event.outputDirectory, 'assets'), { recursive: true });
    copyFileSync(from, to);
    const sizeKiB = Math.round(statSync(to).size / 1024);
    app.logger.info(`typedoc-mermaid: ${pagesWithDiagrams} page(s) with diagrams; ${ASSET} ${sizeKiB} KiB`);
  });
}
