import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderUnrunnableSigma } from '../../../src/cli/render-sigma-unrunnable.ts';

const ESC = String.fromCharCode(27);
const plain = (s: string) => s.replaceAll(new RegExp(`${ESC}\\[[0-9;]*m`, 'g'), '');

describe('renderUnrunnableSigma', () => {
  it('prints nothing when every rule runs', () => {
    assert.equal(renderUnrunnableSigma([]), '');
  });
  it('names each rule, its file and the reason', () => {
    const text = plain(
      renderUnrunnableSigma([
        {
          path: 'my-rules/burst.yml',
          id: 'sigma:aaaaaaaa-0000-4000-8000-000000000004',
          title: 'Login burst',
          kind: 'unsupported',
          reason: 'condition "sel | count() > 5": aggregation needs correlation over many events',
        },
        {
          path: 'my-rules/win.yml',
          kind: 'other-logsource',
          reason: 'logsource {"product":"windows"} is not AWS CloudTrail',
        },
      ]),
    );
    assert.equal(
      text,
      [
        '2 Sigma rules cannot run:',
        '  unsupported     sigma:aaaaaaaa-0000-4000-8000-000000000004 Login burst',
        '                  my-rules/burst.yml: condition "sel | count() > 5": aggregation needs correlation over many events',
        '  not CloudTrail  (no id)',
        '                  my-rules/win.yml: logsource {"product":"windows"} is not AWS CloudTrail',
        '',
      ].join('\n'),
    );
  });
});
