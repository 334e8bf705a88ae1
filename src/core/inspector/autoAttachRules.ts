import type { DiscoveredTarget } from './discovery';

/**
 * `memoryBudget.autoAttach` entries: a port ("9229"), a /regular expression/, or a glob-like
 * pattern ("*bot.js*") matched against the process's command line or the inspector's title.
 */
export function matchesAutoAttach(target: DiscoveredTarget, rules: readonly string[]): boolean {
  if (target.kind !== 'inspector') return false; // never signal a process nobody named
  const text = `${target.command ?? ''} ${target.title}`;
  return rules.some((rule) => {
    const r = rule.trim();
    if (/^\d+$/.test(r)) return Number(r) === target.port;
    const regex = /^\/(.+)\/([i]*)$/.exec(r);
    if (regex) {
      try {
        return new RegExp(regex[1], regex[2]).test(text);
      } catch {
        return false;
      }
    }
    const glob = new RegExp(
      r
        .split('*')
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*'),
      'i',
    );
    return r !== '' && glob.test(text);
  });
}

/** Ports named by the rules, so discovery probes them even outside the configured range. */
export function autoAttachPorts(rules: readonly string[]): number[] {
  return rules.filter((r) => /^\s*\d+\s*$/.test(r)).map(Number);
}
