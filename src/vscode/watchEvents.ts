import type * as vscode from 'vscode';
import type { WatchSet, WatchSetEvents } from '../core/watch/watchSet';

/** Listens to the watch set until the returned disposable is disposed (with the extension or its owner). */
export function onWatchSet<K extends keyof WatchSetEvents>(
  watches: WatchSet,
  event: K,
  listener: (...args: WatchSetEvents[K]) => void,
): vscode.Disposable {
  // Node's typed EventEmitter spells the listener type as a conditional type TypeScript cannot
  // match against a generic K; it is the same function type.
  const typed = listener as Parameters<typeof watches.on<K>>[1];
  watches.on(event, typed);
  return { dispose: () => void watches.off(event, typed) };
}

/** One listener on several events (a surface that redraws on any change). */
export function onWatchSetAny(watches: WatchSet, events: ReadonlyArray<keyof WatchSetEvents>, listener: () => void): vscode.Disposable[] {
  return events.map((event) => onWatchSet(watches, event, listener));
}
