/** Helpers for calling the Lambda handlers in tests: environment, real-shaped events, EMF capture. */
import { readFileSync } from 'node:fs';
import type { SQSEvent } from 'aws-lambda';

/** Sets environment variables; returns a function that restores the previous values. */
export function setEnv(vars: Record<string, string>): () => void {
  const previous = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of Object.entries(previous)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

const sqsTemplate = JSON.parse(
  readFileSync(new URL('../../fixtures/cloudwatch/sqs_s3.json', import.meta.url), 'utf8'),
) as SQSEvent;

/**
 * An SQS event as Lambda delivers it (shape of test/fixtures/cloudwatch/sqs_s3.json), each message
 * carrying an S3 ObjectCreated notification for one key (already URL-encoded, as S3 sends it).
 */
export function sqsS3Event(
  messages: { messageId: string; bucket: string; key: string; size: number }[],
): SQSEvent {
  const template = sqsTemplate.Records[0];
  const templateBody = JSON.parse(template.body);
  return {
    Records: messages.map((m) => {
      const body = structuredClone(templateBody);
      body.Records[0].s3.bucket = { name: m.bucket, arn: `arn:aws:s3:::${m.bucket}` };
      body.Records[0].s3.object = { key: m.key, size: m.size };
      return { ...template, messageId: m.messageId, body: JSON.stringify(body) };
    }),
  };
}

/** Captures the EMF lines Powertools Metrics writes to stdout while `fn` runs. */
export function captureMetrics() {
  const lines: Record<string, unknown>[] = [];
  return {
    async during<T>(fn: () => Promise<T>): Promise<T> {
      const write = process.stdout.write;
      process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
        if (text.includes('"_aws"')) {
          for (const line of text.split('\n')) if (line.includes('"_aws"')) lines.push(JSON.parse(line));
          return true;
        }
        return (write as (...a: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
      }) as typeof process.stdout.write;
      try {
        return await fn();
      } finally {
        process.stdout.write = write;
      }
    },
    /** Metric names declared in the captured EMF documents. */
    names(): Set<string> {
      const names = new Set<string>();
      for (const l of lines) {
        const aws = l._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] };
        for (const d of aws.CloudWatchMetrics) for (const m of d.Metrics) names.add(m.Name);
      }
      return names;
    },
    /** Sum of a metric's values over the captured documents. */
    sum(name: string): number {
      let total = 0;
      for (const l of lines) {
        const v = l[name];
        if (typeof v === 'number') total += v;
        else if (Array.isArray(v)) for (const x of v) total += Number(x);
      }
      return total;
    },
  };
}
