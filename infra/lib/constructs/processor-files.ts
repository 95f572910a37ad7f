import { readdirSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { bundledGeoFiles } from '../../../src/adapters/local/geo/offline-geo-lookup.ts';
import { type BundledFile, REPO_ROOT } from './handler-function.ts';

/** What the processing functions read besides their code. */
export interface ProcessorFileOptions {
  /** The vendored SigmaHQ rules (`sigma.vendored` of the functions' configuration). */
  sigma: boolean;
  /** The DB-IP city and RouteViews/DB-IP ASN databases (`geo.enabled`). */
  geo: boolean;
}

/**
 * The data files the processors load at cold start, laid out as the code looks for them:
 * `rules/sigma` beside the bundle (see `vendoredSigmaDir`) and the two ip-location-db packages
 * under `node_modules/` beside it (see `bundledGeoFiles`, which resolves them like dependencies),
 * each with its `package.json` and licence files (CC BY 4.0 asks for attribution).
 */
export function processorBundleFiles(options: ProcessorFileOptions): BundledFile[] {
  const files: BundledFile[] = [];
  if (options.sigma) files.push({ from: join(REPO_ROOT, 'rules', 'sigma'), to: 'rules/sigma' });
  if (options.geo) {
    const data = Object.values(bundledGeoFiles());
    for (const pkg of new Set(data.map((f) => dirname(f)))) {
      const inBundle = relative(REPO_ROOT, pkg).split(sep).join('/');
      if (!inBundle.startsWith('node_modules/'))
        throw new Error(`GeoIP package ${pkg} is not installed under ${join(REPO_ROOT, 'node_modules')}`);
      const wanted = readdirSync(pkg).filter(
        (name) =>
          name === 'package.json' ||
          /LICENSE|MODIFICATIONS/.test(name) ||
          data.some((f) => dirname(f) === pkg && basename(f) === name),
      );
      for (const name of wanted.sort()) files.push({ from: join(pkg, name), to: `${inBundle}/${name}` });
    }
  }
  return files;
}
