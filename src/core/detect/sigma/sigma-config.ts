import { z } from 'zod';

/** Which Sigma rules run beside the built-in ones. */
export const sigmaConfigSchema = z
  .object({
    /** Directories (or single .yml files) of your own Sigma rules; relative paths are read from the working directory. */
    paths: z.array(z.string().min(1)).default([]),
    /** Run the SigmaHQ AWS CloudTrail rules shipped in rules/sigma (Detection Rule License 1.1). */
    vendored: z.boolean().default(true),
  })
  .strict();

export type SigmaConfig = z.infer<typeof sigmaConfigSchema>;
