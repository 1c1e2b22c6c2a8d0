/** report.html with sections: numbered figures, a contents list, alerts, facts, folded tables, and bad ids refused. */
import { describe, expect, it } from 'vitest';
import { gradNormSvg, reportHtml } from '../../src/report/index.js';

describe('report.html sections', () => {
  it('numbers figures through the sections in page order and lists the sections', async () => {
    const svg = await gradNormSvg([{ name: 'GD', x: [0, 1], y: [1, 0.5] }]);
    const html = reportHtml({
      title: 't', text: '', figures: [{ title: 'late', svg, caption: 'top-level figures come after the sections' }],
      sections: [
        { id: 'summary', heading: 'Summary', text: 'Prose <b>.', notes: [{ kind: 'warning', text: '1 of 2 runs failed: x & y' }] },
        { id: 'model-gpt', heading: 'gpt', figures: [{ title: 'first', svg, caption: 'c1' }, { title: 'second', svg, caption: 'c2' }] },
        { id: 'provenance', heading: 'Provenance', facts: [['git commit', 'abc123'], ['command', 'npm run experiment -- --model gpt']] },
        { id: 'runs', heading: 'Runs', tables: [{ columns: ['a'], rows: [[1]], collapsed: 'All 1 runs' }] },
      ],
    });
    expect(html).toMatch(/Figure 1\. first<\/b> — c1/);
    expect(html).toMatch(/Figure 2\. second/);
    expect(html).toMatch(/Figure 3\. late/);
    expect(html.indexOf('id="figure-1"')).toBeLessThan(html.indexOf('id="figure-3"'));
    expect(html).toContain('<li><a href="#model-gpt">gpt</a></li>');
    expect(html).toContain('<p class="warning" role="alert">1 of 2 runs failed: x &amp; y</p>');
    expect(html.indexOf('role="alert"')).toBeLessThan(html.indexOf('Prose &lt;b&gt;.')); // the alert leads its section
    expect(html).toContain('<dt>git commit</dt><dd>abc123</dd>');
    expect(html).toMatch(/<details><summary>All 1 runs<\/summary>\n<table>/);
  });

  it('refuses duplicate or malformed section ids', () => {
    const s = { heading: 'h' };
    expect(() => reportHtml({ title: 't', text: '', figures: [], sections: [{ ...s, id: 'a' }, { ...s, id: 'a' }] })).toThrow(/two sections have the id 'a'/);
    expect(() => reportHtml({ title: 't', text: '', figures: [], sections: [{ ...s, id: 'a b"' }] })).toThrow(/section id 'a b"' must be letters/);
  });
});
