import { Stack } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Where processed events land: `processed/dt=YYYY-MM-DD/*.ndjson.gz`. */
export const PROCESSED_PREFIX = 'processed/';

/** Glue columns for one processed event (NDJSON keys match case-insensitively). */
const EVENT_COLUMNS: CfnTable.ColumnProperty[] = [
  { name: 'id', type: 'string', comment: 'CloudTrail eventID or a stable hash' },
  { name: 'time', type: 'bigint', comment: 'epoch milliseconds, UTC' },
  { name: 'source', type: 'string' },
  { name: 'account', type: 'string' },
  { name: 'region', type: 'string' },
  { name: 'service', type: 'string', comment: 'eventSource' },
  { name: 'action', type: 'string', comment: 'eventName' },
  {
    name: 'principal',
    type: 'struct<type:string,id:string,arn:string,name:string,accountid:string,accesskeyid:string,sessionissuer:string,mfa:boolean>',
  },
  { name: 'sourceip', type: 'string' },
  { name: 'useragent', type: 'string' },
  { name: 'errorcode', type: 'string' },
  { name: 'errormessage', type: 'string' },
  { name: 'readonly', type: 'boolean' },
  {
    name: 'geo',
    type: 'struct<kind:string,country:string,city:string,lat:double,lon:double,asn:bigint,org:string>',
    comment: 'address kind, GeoIP and ASN of sourceIp',
  },
  { name: 'anomalyflags', type: 'array<string>' },
  { name: 'riskscore', type: 'double' },
];

export interface EventCatalogProps {
  dataBucket: Bucket;
}

/**
 * A Glue table over the processed NDJSON.gz files with partition projection on `dt` (no crawler, no
 * MSCK REPAIR), and an Athena workgroup that writes encrypted results to `athena-results/` and stops
 * queries that would scan more than 10 GB.
 */
export class EventCatalog extends Construct {
  readonly databaseName: string;
  readonly tableName = 'events';
  readonly workGroup: CfnWorkGroup;

  constructor(scope: Construct, id: string, props: EventCatalogProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const bucket = props.dataBucket.bucketName;
    // One database per stack (Glue names: lowercase letters, digits, underscores); `logwarden` by default.
    this.databaseName = stack.stackName.toLowerCase().replace(/[^a-z0-9_]/g, '_');

    const database = new CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { name: this.databaseName, description: 'logwarden processed events' },
    });

    const table = new CfnTable(this, 'EventsTable', {
      catalogId: stack.account,
      databaseName: this.databaseName,
      tableInput: {
        name: this.tableName,
        description: 'Processed events: NDJSON.gz under processed/dt=YYYY-MM-DD/',
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [{ name: 'dt', type: 'string', comment: 'UTC day of the event, YYYY-MM-DD' }],
        parameters: {
          classification: 'json',
          compressionType: 'gzip',
          'projection.enabled': 'true',
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': '2020-01-01,NOW',
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          'storage.location.template': `s3://${bucket}/${PROCESSED_PREFIX}dt=\${dt}/`,
        },
        storageDescriptor: {
          location: `s3://${bucket}/${PROCESSED_PREFIX}`,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: {
            serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
            parameters: { 'ignore.malformed.json': 'true', 'case.insensitive': 'true' },
          },
          columns: EVENT_COLUMNS,
        },
      },
    });
    table.node.addDependency(database);

    this.workGroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: `${stack.stackName}-logwarden`,
      description: 'logwarden: query processed events',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        resultConfiguration: {
          outputLocation: `s3://${bucket}/athena-results/`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
  }
}
