import type { Command } from 'commander';
import { configOption, formatOption } from '../options.ts';

export interface RulesOptions {
  config?: string;
  format: 'terminal' | 'json';
  unsupported?: boolean;
}

/** `logwarden rules list|test`: the options here; the work is loaded when a subcommand runs. */
export function registerRules(program: Command): void {
  const rules = program.command('rules').description('list the detection rules, or run your own rule tests');

  rules
    .command('list')
    .description(
      'every rule: id, title, severity, MITRE ATT&CK, origin (builtin, sigma, custom) and peer equivalents',
    )
    .addOption(configOption())
    .addOption(formatOption(['terminal', 'json']))
    .option('--unsupported', 'list only the Sigma rules that cannot run, with the reason')
    .action(async (options: RulesOptions) => {
      const { listRules } = await import('./rules-action.ts');
      listRules(options);
    });

  rules
    .command('test')
    .description('run rule tests: YAML/JSON files naming events and the rule ids that must and must not fire')
    .argument('<dir>', 'directory of *.yaml, *.yml or *.json rule tests (searched recursively)')
    .addOption(configOption())
    .addOption(formatOption(['terminal', 'json']))
    .action(async (dir: string, options: RulesOptions) => {
      const { testRules } = await import('./rules-action.ts');
      process.exitCode = testRules(dir, options);
    });
}
