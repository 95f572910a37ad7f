/** Lambda entry point (work in progress: the implementation lands in the next commits; the export is stable). */
export const handler = async (_event: unknown): Promise<unknown> => {
  throw new Error('logwarden stream-processor handler: not implemented yet');
};
