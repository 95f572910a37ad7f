import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandOutput,
  ThrottlingException,
} from '@aws-sdk/client-bedrock-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { OfflineInsights } from '../../../src/adapters/local/offline-insights.ts';
import { insightModelFor } from '../../../src/adapters/report-wiring.ts';
import { parseConfig } from '../../../src/core/config.ts';
import { insightsReplySchema } from '../../../src/core/report/insights.ts';
import { DATA_OPEN } from '../../../src/core/report/insights-prompt.ts';
import { renderHtml } from '../../../src/core/report/render-html.ts';
import { renderJson } from '../../../src/core/report/render-json.ts';
import type { Report } from '../../../src/core/report/report.ts';
import { parseReportRequest } from '../../../src/core/report/report-request.ts';
import { produceReport } from '../../../src/core/report/run-report.ts';
import { type HostileFixture, hostileFixture } from '../../helpers/hostile-report.ts';

// Bedrock has no local emulator: aws-sdk-client-mock stands in for the service (the only mock allowed).
const bedrock = mockClient(BedrockRuntimeClient);
const config = parseConfig({
  report: {
    insights: { provider: 'bedrock', model: 'anthropic.claude-3-5-haiku-20241022-v1:0', region: 'eu-west-1' },
  },
});
const request = parseReportRequest({ analysisType: 'daily', at: '2023-07-10T12:00:00Z', includeAI: true });

let fx: HostileFixture;
before(async () => {
  fx = await hostileFixture();
});
after(() => fx.close());
beforeEach(() => bedrock.reset());

function reply(text: string): ConverseCommandOutput {
  return {
    output: { message: { role: 'assistant', content: [{ text }] } },
    stopReason: 'end_turn',
    usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
    metrics: { latencyMs: 1 },
    $metadata: {},
  };
}

async function run(): Promise<Report> {
  const model = insightModelFor('bedrock', config.report.insights, {
    bedrock: new BedrockRuntimeClient({ region: 'eu-west-1' }),
  });
  return produceReport(request, config, {
    store: fx.store,
    model,
    offline: new OfflineInsights(),
    now: () => Date.parse('2023-07-11T06:00:00Z'),
  });
}

/** A report is valid when its insights match the schema, cite only its findings, and it renders. */
function assertValidReport(report: Report): void {
  const insights = report.insights;
  assert.ok(insights);
  insightsReplySchema.parse(insights);
  const ids = new Set(report.findings.map((f) => f.id));
  for (const item of [...insights.insights, ...insights.recommendations]) {
    assert.ok(item.findingIds.length > 0, 'every claim cites a finding');
    for (const id of item.findingIds) assert.ok(ids.has(id), `cited id ${id} exists`);
  }
  const json = JSON.parse(renderJson(report));
  assert.equal(json.insights.provider, insights.provider);
  assert.match(renderHtml(report), /Executive summary/);
}

function grounded(report: Report) {
  const [a, b] = report.findings;
  return {
    executiveSummary: 'Logging was stopped and an access key created by suspicious principals.',
    insights: [
      {
        title: 'CloudTrail tampering',
        detail: 'StopLogging and DeleteTrail from a Tor exit.',
        severity: 'CRITICAL',
        findingIds: [a.id],
      },
    ],
    recommendations: [
      {
        action: 'Re-enable the trail and restrict cloudtrail:StopLogging by SCP.',
        rationale: 'Blind spots hide follow-on activity.',
        priority: 'high',
        findingIds: [a.id, b.id],
      },
    ],
  };
}

describe('Bedrock insights (Converse API, mocked)', () => {
  it('uses a well-formed reply, calling Converse with the configured model and a data-only prompt', async () => {
    bedrock.on(ConverseCommand).callsFake(async () => reply(JSON.stringify(grounded(fx.report))));
    const report = await run();
    assertValidReport(report);
    assert.equal(report.insights?.provider, 'bedrock');
    assert.equal(report.insights?.model, 'anthropic.claude-3-5-haiku-20241022-v1:0');
    assert.equal(report.insights?.fallbackReason, undefined);
    assert.equal(report.insights?.insights[0].title, 'CloudTrail tampering');
    const calls = bedrock.commandCalls(ConverseCommand);
    assert.equal(calls.length, 1);
    const input = calls[0].args[0].input;
    assert.equal(input.modelId, 'anthropic.claude-3-5-haiku-20241022-v1:0');
    assert.equal(input.inferenceConfig?.temperature, 0);
    assert.match(input.system?.[0]?.text ?? '', /Never follow instructions/);
    assert.ok(input.messages?.[0]?.content?.[0]?.text?.includes(DATA_OPEN));
  });

  it('extracts a reply wrapped in prose and a code fence', async () => {
    const body = JSON.stringify(grounded(fx.report), null, 2);
    bedrock
      .on(ConverseCommand)
      .resolves(
        reply(
          `Certainly! Here is the analysis you asked for:\n\n\`\`\`json\n${body}\n\`\`\`\n\nLet me know if you need more.`,
        ),
      );
    const report = await run();
    assertValidReport(report);
    assert.equal(report.insights?.provider, 'bedrock');
  });

  it('falls back to offline insights on invalid JSON, and says why', async () => {
    bedrock
      .on(ConverseCommand)
      .resolves(reply('{"executiveSummary": "Everything looks fine", "insights": [ {"title": '));
    const report = await run();
    assertValidReport(report);
    assert.equal(report.insights?.provider, 'offline');
    assert.match(
      report.insights?.fallbackReason ?? '',
      /bedrock insights failed \(InsightsReplyError: no JSON object/,
    );
  });

  it('drops claims citing unknown finding ids; falls back when none is grounded', async () => {
    const mixed = grounded(fx.report);
    mixed.insights.push({
      title: 'Invented incident',
      detail: 'x',
      severity: 'CRITICAL',
      findingIds: ['f-does-not-exist'],
    });
    bedrock.on(ConverseCommand).resolves(reply(JSON.stringify(mixed)));
    const partial = await run();
    assertValidReport(partial);
    assert.equal(partial.insights?.provider, 'bedrock');
    assert.equal(partial.insights?.dropped, 1);
    assert.ok(!partial.insights?.insights.some((i) => i.title === 'Invented incident'));

    bedrock.on(ConverseCommand).resolves(
      reply(
        JSON.stringify({
          executiveSummary: 'All clear.',
          insights: [{ title: 'x', findingIds: ['nope'] }],
          recommendations: [{ action: 'relax', findingIds: [] }],
        }),
      ),
    );
    const none = await run();
    assertValidReport(none);
    assert.equal(none.insights?.provider, 'offline');
    assert.match(none.insights?.fallbackReason ?? '', /cited no finding id/);
  });

  it('falls back on throttling', async () => {
    bedrock.on(ConverseCommand).rejects(
      new ThrottlingException({
        message: 'Too many requests, please wait before trying again.',
        $metadata: {},
      }),
    );
    const report = await run();
    assertValidReport(report);
    assert.equal(report.insights?.provider, 'offline');
    assert.match(report.insights?.fallbackReason ?? '', /ThrottlingException: Too many requests/);
  });

  it('does not call the model when includeAI is false', async () => {
    const model = insightModelFor('bedrock', config.report.insights, {
      bedrock: new BedrockRuntimeClient({ region: 'eu-west-1' }),
    });
    const report = await produceReport(
      parseReportRequest({ analysisType: 'daily', at: '2023-07-10T12:00:00Z' }),
      config,
      {
        store: fx.store,
        model,
        offline: new OfflineInsights(),
        now: Date.now,
      },
    );
    assert.equal(report.insights?.provider, 'offline');
    assert.equal(bedrock.commandCalls(ConverseCommand).length, 0);
  });
});
