import { UserError } from '@mlship/errors';

/** Another job changed the registry first and retrying did not get through; re-run or stop. */
export class RegistryConflictError extends UserError {
  override readonly name: string = 'RegistryConflictError';
}

/** A registry rule refused the operation (stage order, who may promote, required checks, existing version). */
export class RegistryRuleError extends UserError {
  override readonly name: string = 'RegistryRuleError';
}

/** A downloaded asset does not match its manifest or GitHub's digest; the file was removed. */
export class IntegrityError extends UserError {
  override readonly name: string = 'IntegrityError';
}

/** The reference names a model, version or stage that is not in the registry. */
export class NotFoundError extends UserError {
  override readonly name: string = 'NotFoundError';
}

/**
 * The model, or the stage a reference names, has no version yet: day one of a
 * model. Validation treats a candidate for an empty `NAME@prod` as its first
 * version instead of failing.
 */
export class NoVersionYetError extends NotFoundError {
  override readonly name: string = 'NoVersionYetError';
}
