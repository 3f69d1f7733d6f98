/**
 * Checks of SVG text without a DOM: well-formed XML (every tag closed in order, attributes quoted, no raw `<` or `&`
 * in text), and how many marks a named Vega mark group holds.
 * @module
 */

/**
 * Why the text is not well-formed XML, or undefined when it is.
 * @param xml - the document
 * @returns the first problem found
 */
export function xmlProblem(xml: string): string | undefined {
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt === -1 ? xml.length : lt);
    if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[\da-f]+);)/i.test(text)) return `a raw & in text at ${String(i)}`;
    if (lt === -1) break;
    if (xml.startsWith('<?', lt) || xml.startsWith('<!--', lt)) {
      const end = xml.indexOf(xml.startsWith('<?', lt) ? '?>' : '-->', lt);
      if (end === -1) return `an unclosed declaration at ${String(lt)}`;
      i = end + 2;
      continue;
    }
    tag.lastIndex = lt;
    const m = tag.exec(xml);
    if (m === null) return `a malformed tag at ${String(lt)}: ${xml.slice(lt, lt + 60)}`;
    const [whole, closing, name = '', , selfClosing] = m;
    if (closing === '/') {
      const open = stack.pop();
      if (open !== name) return `</${name}> closes <${String(open)}> at ${String(lt)}`;
    } else if (selfClosing !== '/') stack.push(name);
    i = lt + whole.length;
  }
  return stack.length === 0 ? undefined : `unclosed <${stack.join('>, <')}>`;
}

/**
 * The marks (child elements) of the Vega mark group named `name` (`slices_marks`, `marks`, …), summed over groups of
 * that name.
 * @param svg - the chart
 * @param name - the mark's name, as its group's class ends
 * @returns how many marks, or -1 when no such group exists
 */
export function markCount(svg: string, name: string): number {
  const open = new RegExp(`<g class="mark-\\w+ role-mark ${name}"[^>]*>`, 'g');
  let count = -1;
  for (const m of svg.matchAll(open)) {
    count = Math.max(count, 0);
    if (m[0].endsWith('/>')) continue;
    let depth = 0;
    const child = /<(\/?)(\w+)[^>]*?(\/?)>/g;
    child.lastIndex = m.index + m[0].length;
    for (let c = child.exec(svg); c !== null; c = child.exec(svg)) {
      if (c[1] === '/') {
        if (depth === 0) break;
        depth--;
      } else if (c[3] === '/') {
        if (depth === 0) count++;
      } else {
        if (depth === 0) count++;
        depth++;
      }
    }
  }
  return count;
}
