/*
 * The flow core: one abstract interpretation of a handler or hook, shared by every front-end.
 * It knows no syntax and imports no parser (test/architecture.test.ts checks this); a front-end
 * walks its own syntax tree and maps each construct onto the operations below.
 *
 *   state.ts    the lattice: value kinds and next-call counts as bit sets, the State at a program
 *               point, copy / join / sameState, and the small state edits (setUnknown, forget,
 *               restoreShadowed).
 *   control.ts  control flow: ExceptionalEdges (raise, try/catch/else/finally routing, returns
 *               through finally blocks), JumpTargets (break / continue / labels), LoopFixpoint
 *               (loops to a fixpoint), mergeAlternatives (conditional and logical expressions).
 *   summary.ts  FlowBuilder: the value operations (locals, next-layer calls, awaits, member
 *               accesses), the exit records, and the FunctionSummary they become.
 *
 * How a front-end summarises one function with it:
 *
 *   1. `const flow = new FlowBuilder<Node>({ name, nameRange, promiseLike, awaitableMembers })`.
 *   2. Before walking, from one scan of the whole function (nested functions included):
 *      `flow.param(name, 'request' | 'response' | 'exception')` for each parameter it knows;
 *      `readInNestedScope(name)` / `assignedInNestedScope(name)` for locals a nested function
 *      (def, lambda, arrow, comprehension) reads / assigns; `referencesNext()`, `nextCallSite(range)`
 *      and `nextMember(name)` for every reference to and call of the next layer.
 *   3. Walk the body from `flow.entryState()`. A statement takes a state and returns the state
 *      after it (UNREACHABLE after a return, raise, break or continue); an expression is evaluated
 *      in a state it updates in place and returns its kinds (a bit set). Copy a state (`copy`)
 *      before walking a branch, and `join` the branches where they meet:
 *        - locals: `readLocal` for a read, `assign` for a store (a name bound to what cannot be
 *          followed: `setUnknown`), `use` where a value flows into an argument, operand or
 *          property, `drop` for a next-layer call that is a statement of its own;
 *        - the next layer: `callNext(node, s)` after evaluating its arguments; `awaitValue(operand,
 *          kinds, s)` for `await` (it knows whether the operand is the call just made);
 *        - members: `member(objectKinds, name, s)` for `x.attr` / `x[k]` (record `unawaitedUse`
 *          when it returns true), `requestAccess` for members of a local, `selfCall` for
 *          `this.f()` / `self.f()`;
 *        - anything else that may raise (other calls, `new`, unpacking): `raise(s)`;
 *        - `if`/`elif`/`else`, `switch`/`match`: walk each branch on a copy, `join` the outs;
 *          `c ? a : b`, `x if c else y`, `a && b`, `a or b`: fork, walk, `mergeAlternatives`;
 *        - loops (`while`, `for`, `do`, with Python's `else`): `flow.loop(s, labels)`, then the
 *          pass protocol of LoopFixpoint; `break` / `continue`: `flow.jump(isBreak, label, s)`;
 *          a labelled block or a `switch`: `flow.targets.push(labels, 'label' | 'switch')` ...
 *          `pop()`, and join in the target's `breaks`;
 *        - `try` (catch / except clauses, Python's `else`, finally): `flow.tryStatement(s, blocks)`
 *          with a walk per block; `with` maps onto it (the exit call runs as a finally block);
 *        - exits: `returnValue`, `throwValue`, an expression body with `expressionBody`, and where
 *          the body's end is reachable `fallOffEnd` (with `returnFixVariable` for the fix).
 *      Nested functions, lambdas, classes and comprehensions are their own scopes: the walk does
 *      not enter them (their value is UNKNOWN), step 2 accounts for what they read and assign.
 *   4. `flow.build(range, async, rangeOf)`: the FunctionSummary; `rangeOf` gives the range of a
 *      node the core kept (returns, throws, member accesses, callees).
 *
 * States are joined per program point, never enumerated per path, so the cost stays linear in
 * the size of the function; unknown always means "stay silent" in the rules.
 */
export * from './state.js';
export * from './control.js';
export * from './summary.js';
