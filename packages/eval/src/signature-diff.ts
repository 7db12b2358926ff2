// Is the candidate a drop-in replacement? Compares input/output signatures
// (as `readOnnxSignature` reads them) and says exactly what changed.

export interface TensorSpec {
  name: string;
  elementType: string;
  shape: (number | string | null)[];
}

export interface SignatureLike {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

export interface SignatureChange {
  /** 'input' or 'output' */
  side: 'input' | 'output';
  name: string;
  change: 'missing' | 'added' | 'type' | 'rank' | 'dimension';
  /** Breaking changes fail the gate; an added output is not breaking. */
  breaking: boolean;
  message: string;
}

/**
 * Inputs: the candidate must accept what callers send — every reference input
 * present with the same type and a compatible shape, and no new required
 * input. Outputs: every reference output still produced, same type and shape.
 */
export function diffSignatures(
  reference: SignatureLike,
  candidate: SignatureLike,
  referenceName: string,
): SignatureChange[] {
  return [
    ...diffSide('input', reference.inputs, candidate.inputs, referenceName),
    ...diffSide('output', reference.outputs, candidate.outputs, referenceName),
  ];
}

function diffSide(
  side: 'input' | 'output',
  reference: TensorSpec[],
  candidate: TensorSpec[],
  refName: string,
): SignatureChange[] {
  const changes: SignatureChange[] = [];
  const byName = new Map(candidate.map((t) => [t.name, t]));
  for (const ref of reference) {
    const cand = byName.get(ref.name);
    if (!cand) {
      const names = candidate.map((t) => t.name).join(', ');
      changes.push({
        side,
        name: ref.name,
        change: 'missing',
        breaking: true,
        message: `${side} '${ref.name}' of the ${refName} is missing from the candidate (it has ${names || 'none'})`,
      });
      continue;
    }
    if (cand.elementType !== ref.elementType) {
      changes.push({
        side,
        name: ref.name,
        change: 'type',
        breaking: true,
        message: `${side} '${ref.name}' changed type: ${ref.elementType} → ${cand.elementType}`,
      });
    }
    if (cand.shape.length !== ref.shape.length) {
      changes.push({
        side,
        name: ref.name,
        change: 'rank',
        breaking: true,
        message: `${side} '${ref.name}' changed shape: ${shape(ref.shape)} → ${shape(cand.shape)}`,
      });
      continue;
    }
    ref.shape.forEach((d, k) => {
      const c = cand.shape[k];
      // A fixed size on both sides must agree; a symbolic dimension on either side is compatible.
      if (typeof d === 'number' && typeof c === 'number' && d !== c) {
        changes.push({
          side,
          name: ref.name,
          change: 'dimension',
          breaking: true,
          message: `${side} '${ref.name}' dimension ${k} changed: ${d} → ${c} (shape ${shape(ref.shape)} → ${shape(cand.shape)})`,
        });
      }
    });
  }
  const refNames = new Set(reference.map((t) => t.name));
  for (const cand of candidate) {
    if (refNames.has(cand.name)) continue;
    const breaking = side === 'input';
    changes.push({
      side,
      name: cand.name,
      change: 'added',
      breaking,
      message: `${side} '${cand.name}' is new in the candidate${breaking ? ': callers do not send it' : ''}`,
    });
  }
  return changes;
}

function shape(dims: (number | string | null)[]): string {
  return `[${dims.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}
