/** The input given to `analyze` cannot be used at all (missing path, missing bucket, no logs). */
export class InputPathError extends Error {}
