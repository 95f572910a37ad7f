import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Synthesized, synthStack } from './synth.ts';

describe('dashboard of the processors’ detection and OpenSearch metrics', () => {
  let synth: Synthesized;
  before(() => {
    synth = synthStack({ opensearch: true }, { bundle: false });
  });
  after(() => synth?.dispose());

  it('graphs rule errors, suppressions and OpenSearch documents', () => {
    const [dashboard] = Object.values(synth.template.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard.Properties.DashboardBody).replaceAll('\\', '');
    for (const name of ['RuleErrors', 'FindingsSuppressed', 'OpenSearchIndexed', 'OpenSearchFailures']) {
      assert.ok(body.includes(`"${name}"`), `${name} on the dashboard`);
    }
  });

  it('points both processors at the collection', () => {
    for (const fn of [synth.stack.objectIngest.processor, synth.stack.streamIngest.processor]) {
      const id = synth.stack.getLogicalId(fn.fn.node.defaultChild as never);
      const env = synth.template.toJSON().Resources[id].Properties.Environment.Variables;
      assert.ok(env.OPENSEARCH_ENDPOINT, `${fn.handlerName} has OPENSEARCH_ENDPOINT`);
    }
  });
});
