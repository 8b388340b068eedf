// Complexity applies to every language lizard reads, not only Python.
export function classify(kind, total) { // expect: code.complex-function
  if (kind === 'k0') { total += 0; }
  if (kind === 'k1') { total += 1; }
  if (kind === 'k2') { total += 2; }
  if (kind === 'k3') { total += 3; }
  if (kind === 'k4') { total += 4; }
  if (kind === 'k5') { total += 5; }
  if (kind === 'k6') { total += 6; }
  if (kind === 'k7') { total += 7; }
  if (kind === 'k8') { total += 8; }
  if (kind === 'k9') { total += 9; }
  if (kind === 'k10') { total += 10; }
  if (kind === 'k11') { total += 11; }
  if (kind === 'k12') { total += 12; }
  if (kind === 'k13') { total += 13; }
  if (kind === 'k14') { total += 14; }
  return total;
}

export function small(kind) { // ok: code.complex-function
  return kind === 'a' ? 1 : 2;
}
