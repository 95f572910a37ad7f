import { Stack } from 'aws-cdk-lib';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { CfnAccessPolicy, CfnCollection, CfnSecurityPolicy } from 'aws-cdk-lib/aws-opensearchserverless';
import { Construct } from 'constructs';

export interface SearchCollectionProps {
  /** Roles that index findings and events (the processors) and create index templates. */
  writers: IRole[];
}

/**
 * An OpenSearch Serverless search collection for findings and processed events (off by default: it
 * bills at least one OCU for indexing and one for search around the clock). Data access is IAM-signed
 * and limited to the writer roles and the `logwarden-*` indexes and templates.
 */
export class SearchCollection extends Construct {
  readonly collection: CfnCollection;
  readonly endpoint: string;

  constructor(scope: Construct, id: string, props: SearchCollectionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // Collection names: 3–32 lowercase letters, digits and hyphens, unique in the account and region.
    const name = `${stack.stackName.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`
      .slice(0, 25)
      .replace(/-+$/, '');
    const collectionName = `${name}-search`;

    const encryption = new CfnSecurityPolicy(this, 'Encryption', {
      name: `${name}-enc`,
      type: 'encryption',
      policy: JSON.stringify({
        Rules: [{ ResourceType: 'collection', Resource: [`collection/${collectionName}`] }],
        AWSOwnedKey: true,
      }),
    });
    const network = new CfnSecurityPolicy(this, 'Network', {
      name: `${name}-net`,
      type: 'network',
      policy: JSON.stringify([
        {
          Rules: [{ ResourceType: 'collection', Resource: [`collection/${collectionName}`] }],
          // Reachable over HTTPS with SigV4 only; every request is authorized by the access policy.
          AllowFromPublic: true,
        },
      ]),
    });
    const access = new CfnAccessPolicy(this, 'Access', {
      name: `${name}-data`,
      type: 'data',
      policy: stack.toJsonString([
        {
          Rules: [
            {
              ResourceType: 'index',
              Resource: [`index/${collectionName}/logwarden-*`],
              Permission: [
                'aoss:CreateIndex',
                'aoss:DescribeIndex',
                'aoss:UpdateIndex',
                'aoss:WriteDocument',
                'aoss:ReadDocument',
              ],
            },
            {
              ResourceType: 'collection',
              Resource: [`collection/${collectionName}`],
              Permission: [
                'aoss:DescribeCollectionItems',
                'aoss:CreateCollectionItems',
                'aoss:UpdateCollectionItems',
              ],
            },
          ],
          Principal: props.writers.map((role) => role.roleArn),
        },
      ]),
    });

    this.collection = new CfnCollection(this, 'Collection', {
      name: collectionName,
      type: 'SEARCH', // SEARCH accepts caller-chosen document ids, so re-indexing is idempotent
      standbyReplicas: 'DISABLED',
      description: 'logwarden findings and processed events',
    });
    this.collection.node.addDependency(encryption);
    this.collection.node.addDependency(network);
    this.collection.node.addDependency(access);
    this.endpoint = this.collection.attrCollectionEndpoint;

    for (const role of props.writers) {
      role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['aoss:APIAccessAll'], resources: [this.collection.attrArn] }),
      );
    }
  }
}
