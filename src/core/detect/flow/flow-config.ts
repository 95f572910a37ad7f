import { z } from 'zod';

const cidr = z
  .string()
  .regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, 'must be a CIDR such as 203.0.113.0/24 or 2001:db8::/32');

/** A range the user calls bad: a bare CIDR, or one with a label that findings name. */
const badRange = z.union([cidr, z.object({ cidr, label: z.string().min(1) }).strict()]);

/** Database ports watched besides SSH (22) and RDP (3389). */
export const DEFAULT_EXPOSED_PORTS = [
  22, 3389, 1433, 1521, 3306, 5432, 5984, 6379, 9200, 11211, 27017, 2375, 5900, 23,
];

/** `flowLogs` in the configuration: how flow logs are read and what their detections look for. */
export const flowLogsConfigSchema = z
  .object({
    /**
     * Custom flow log format (`${version} ${srcaddr} …`) of files and CloudWatch Logs streams without
     * a header line. S3 delivery files name their fields in their first line and need none.
     */
    format: z.string().min(1).optional(),
    /** Networks whose traffic with yours is a finding (threat intel, sanctioned ranges, old offices …). */
    badRanges: z.array(badRange).default([]),
    portScan: z
      .object({
        windowMinutes: z.number().int().min(1).max(60).default(5),
        /** Distinct destination ports from one source in a window. */
        ports: z.number().int().min(2).default(20),
        /** Distinct destination hosts from one source in a window. */
        hosts: z.number().int().min(2).default(20),
      })
      .strict()
      .prefault({}),
    /** Ports that must not accept traffic from the internet (SSH, RDP, databases …). */
    exposedPorts: z.array(z.number().int().min(0).max(65535)).default(DEFAULT_EXPOSED_PORTS),
    rejectSpike: z
      .object({
        /** Rejected records in a 5-minute window … */
        minRejects: z.number().int().min(1).default(200),
        /** … and this multiple of the previous hour's mean per window. */
        factor: z.number().min(1).default(5),
      })
      .strict()
      .prefault({}),
    newDestinationEgress: z
      .object({
        /** Bytes one host sends to a destination it never talked to, within an hour of first contact. */
        minBytes: z
          .number()
          .int()
          .min(1)
          .default(500 * 2 ** 20),
        /** A host's first hour is learning: its destinations are not new. */
        learningMinutes: z.number().int().min(0).default(60),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type FlowLogsConfig = z.infer<typeof flowLogsConfigSchema>;
