/**
 * User-agent families: the tool behind a call, without versions, so that an upgrade of the AWS
 * CLI is not "new" while a switch from Terraform to boto3 or curl is. Checked in order: the more
 * specific tool first (Terraform embeds aws-sdk-go, boto3 embeds botocore).
 */
const FAMILIES: readonly [family: string, test: RegExp][] = [
  ['stratus-red-team', /stratus-red-team/i],
  ['pacu', /\bpacu\b/i],
  ['kali-linux', /kali/i],
  ['parrot-os', /parrot/i],
  ['terraform', /terraform/i],
  ['pulumi', /pulumi/i],
  ['cdk', /\baws-cdk\b|\bcdk\//i],
  ['cloudformation', /^cloudformation\.amazonaws\.com$/i],
  ['aws-console', /^(console|signin)\.amazonaws\.com$|S3Console|AWSConsole|aws-console/i],
  ['aws-cli', /aws-cli\//i],
  ['aws-powershell', /AWSPowerShell|aws-tools-powershell/i],
  ['ssm-agent', /amazon-ssm-agent/i],
  ['boto3', /boto3\//i],
  ['botocore', /botocore\//i],
  ['sdk-go-v2', /aws-sdk-go-v2\//i],
  ['sdk-go', /aws-sdk-go\//i],
  ['sdk-js', /aws-sdk-js|aws-sdk-nodejs|aws-sdk-node/i],
  ['sdk-java', /aws-sdk-java/i],
  ['sdk-dotnet', /aws-sdk-dotnet/i],
  ['sdk-ruby', /aws-sdk-ruby/i],
  ['sdk-php', /aws-sdk-php/i],
  ['sdk-rust', /aws-sdk-rust/i],
  ['sdk-cpp', /aws-sdk-cpp/i],
  ['aws-internal', /^AWS Internal$|aws-internal\//i],
  ['aws-service', /\.amazonaws\.com$/i],
  ['curl', /^curl\//i],
  ['python-requests', /python-requests|python-urllib|aiohttp/i],
  ['go-http', /^Go-http-client/i],
  ['postman', /PostmanRuntime/i],
  ['rclone', /rclone/i],
  ['cyberduck', /Cyberduck/i],
  ['s3-browser', /S3 Browser/i],
  ['browser', /^Mozilla\//i],
];

/** Families of offensive or test tooling: a switch to one of these is worth more attention. */
export const SUSPICIOUS_UA_FAMILIES: ReadonlySet<string> = new Set([
  'stratus-red-team',
  'pacu',
  'kali-linux',
  'parrot-os',
  'curl',
  'python-requests',
  'go-http',
  'postman',
]);

/** The family of a CloudTrail userAgent; `unknown` for an empty one, `other` when none matches. */
export function uaFamily(userAgent: string): string {
  // The console wraps the agent of calls it proxies in brackets: "[aws-cli/2 …]".
  const ua = userAgent.startsWith('[') && userAgent.endsWith(']') ? userAgent.slice(1, -1) : userAgent;
  if (ua.trim() === '') return 'unknown';
  for (const [family, test] of FAMILIES) if (test.test(ua)) return family;
  return 'other';
}
