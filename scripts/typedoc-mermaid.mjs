// TypeDoc plugin: a ```mermaid block (docs/machines.md's generated diagrams) renders as its source folded in a
// <details>, not as a page-long code listing. Drawing it as a diagram is a later step; this is where it will go.
import { MarkdownEvent } from 'typedoc';

const BLOCK = /<pre><code class="mermaid">[\s\S]*?<\/pre>/g;

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.renderer.on(
    MarkdownEvent.PARSE,
    (event) => {
      const folded = event.parsedText.replace(
        BLOCK,
        (block) => `<details class="mermaid-source"><summary>Mermaid diagram (source)</summary>${block}</details>`,
      );
      // A mermaid block in a shape we did not expect would show unfolded: fail the build (warnings are errors).
      if (folded.replace(/<details class="mermaid-source">[\s\S]*?<\/details>/g, '').includes('class="mermaid"'))
        app.logger.warn(`typedoc-mermaid: a mermaid block was not folded on ${event.page.url}`);
      event.parsedText = folded;
    },
    -100, // after TypeDoc's own markdown parser, which listens at the default priority
  );
}
