import { type AccountClient, paginateListRegions } from '@aws-sdk/client-account';

/** The regions enabled for the account (opted in, or enabled by default), sorted. */
export async function enabledRegions(client: AccountClient): Promise<string[]> {
  const regions: string[] = [];
  for await (const page of paginateListRegions(
    { client },
    { RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'] },
  )) {
    for (const r of page.Regions ?? []) if (r.RegionName) regions.push(r.RegionName);
  }
  return regions.sort();
}
