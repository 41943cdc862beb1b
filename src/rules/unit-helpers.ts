import type { Exit, FunctionSummary, Range, Spelling, ValueKind } from '../model.js';
import type { LinkedUnit } from './api.js';

const JAVASCRIPT: Spelling = {
  self: 'this',
  nothing: 'undefined',
  statementEnd: ';',
  missingMemberError: 'TypeError: this.{member} is not a function',
  constructorName: 'constructor',
  indentedBlocks: false,
  awaitable: 'promise',
  awaitStatement: 'const response = await ...',
  continueValue: 'null',
  baseConstructorCall: 'super(...)',
  passNextToBase: 'super({next}, ...)',
  baseWithoutNext: 'stores something else as the next layer and every request fails',
};

/** The words of the unit's language for messages (JavaScript's unless the front-end gave others). */
export function spellingOf(linked: LinkedUnit): Spelling {
  return linked.unit.spelling ?? JAVASCRIPT;
}

/** The error a call of the never-assigned member `member` raises, in the unit's language. */
export function missingMemberError(linked: LinkedUnit, member: string): string {
  return spellingOf(linked).missingMemberError.replace('{cls}', linked.unit.name).replace('{member}', member);
}

/** How the handler reaches the next layer, as the user wrote it: `this.getResponse`, `self.get_response` or `getResponse`. */
export function nextLabel(linked: LinkedUnit): string {
  const { unit } = linked;
  if (unit.kind !== 'class') return unit.nextParam?.name ?? 'getResponse';
  const field = linked.nextFields[0] ?? linked.handler?.nextMembers[0] ?? unit.nextParam?.name ?? 'getResponse';
  return `${spellingOf(linked).self}.${field}`;
}

/** The exit certainly returns no response: every kind it may return is nothing or a non-response. */
export function returnsNoResponse(exit: Exit): boolean {
  return exit.kind !== 'throw' && exit.value.length > 0 && exit.value.every((k) => k === 'nothing' || k === 'notResponse');
}

/** The exit's value is only of these kinds. */
export function valueIsOnly(exit: Exit, kinds: ValueKind[]): boolean {
  return exit.value.length > 0 && exit.value.every((k) => kinds.includes(k));
}

/** What a no-response exit of the unit's handler or hook gives back, in words, for messages. */
export function describeNoResponse(exit: Exit, text: string, linked: LinkedUnit): string {
  if (exit.kind === 'implicit') return 'nothing (it reaches the end of the function)';
  if (exit.valueDescription) return exit.valueDescription;
  if (!exit.valueRange) return `nothing (\`return${spellingOf(linked).statementEnd}\`)`;
  // One line in the message, whatever the line breaks of the code.
  const expr = text.slice(exit.valueRange.start, exit.valueRange.end).replace(/\s*\n\s*/g, ' ');
  return expr.length <= 30 ? `\`${expr}\`` : 'a value that is not a response';
}

/**
 * Django's `MiddlewareMixin.__call__` runs this class's `process_request` / `process_response`: the
 * mixin is a direct base, or comes through project bases none of which replaces `__call__`.
 */
export function mixinRunsHooks(linked: LinkedUnit): boolean {
  return linked.unit.mixinBase === true || (linked.mixinChain && !linked.members.includes('__call__'));
}

/**
 * Onion contract: the first reference to the next layer when the handler refers to it but certainly
 * never calls it (`await next;`, `return next;`): it calls it nowhere and hands it to nothing that could.
 * A terminal layer never mentions it and gets `undefined`.
 */
export function neverCallsOnionNext(handler: FunctionSummary): Range | undefined {
  const first = handler.inertNextReferences?.[0];
  return first && handler.nextCallSites.length === 0 && handler.nextHandedOn === false ? first : undefined;
}
