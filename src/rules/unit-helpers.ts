import type { Exit, ValueKind } from '../model.js';
import type { LinkedUnit } from './api.js';

/** How the handler reaches the next layer, as the user wrote it: `this.getResponse` or `getResponse`. */
export function nextLabel(linked: LinkedUnit): string {
  const { unit } = linked;
  if (unit.kind === 'factory') return unit.nextParam?.name ?? 'getResponse';
  const field = linked.nextFields[0] ?? linked.handler?.nextMembers[0] ?? unit.nextParam?.name ?? 'getResponse';
  return `this.${field}`;
}

/** The exit certainly returns no response: every kind it may return is nothing or a non-response. */
export function returnsNoResponse(exit: Exit): boolean {
  return exit.kind !== 'throw' && exit.value.length > 0 && exit.value.every((k) => k === 'nothing' || k === 'notResponse');
}

/** The exit's value is only of these kinds. */
export function valueIsOnly(exit: Exit, kinds: ValueKind[]): boolean {
  return exit.value.length > 0 && exit.value.every((k) => kinds.includes(k));
}

/** What a no-response exit gives back, in words, for messages. */
export function describeNoResponse(exit: Exit, text: string): string {
  if (exit.kind === 'implicit') return 'nothing (it reaches the end of the function)';
  if (exit.valueDescription) return exit.valueDescription;
  if (!exit.valueRange) return 'nothing (`return;`)';
  // One line in the message, whatever the line breaks of the code.
  const expr = text.slice(exit.valueRange.start, exit.valueRange.end).replace(/\s*\n\s*/g, ' ');
  return expr.length <= 30 ? `\`${expr}\`` : 'a value that is not a response';
}
