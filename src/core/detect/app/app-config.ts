import { z } from 'zod';

/** `appLogs` in the configuration: thresholds of the application-log detections. */
export const appLogsConfigSchema = z
  .object({
    errorBurst: z
      .object({
        /** Error-level lines of one service in a 5-minute window … */
        minErrors: z.number().int().min(1).default(20),
        /** … and this multiple of the previous hour's mean per window. */
        factor: z.number().min(1).default(5),
      })
      .strict()
      .prefault({}),
    authFailures: z
      .object({
        /** Failed logins of one user or from one address … */
        threshold: z.number().int().min(2).default(10),
        /** … within this many minutes. */
        windowMinutes: z.number().int().min(1).default(10),
      })
      .strict()
      .prefault({}),
    http5xx: z
      .object({
        /** 5xx responses of one service in a 5-minute window … */
        minCount: z.number().int().min(1).default(10),
        /** … and this multiple of the previous hour's mean per window. */
        factor: z.number().min(1).default(5),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type AppLogsConfig = z.infer<typeof appLogsConfigSchema>;
