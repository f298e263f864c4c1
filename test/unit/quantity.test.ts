import { expect } from 'chai';
import { canonicalQuantity, quantityValue } from '../../src/generator/quantity.js';

describe('canonicalQuantity', () => {
  const cases: [string, string][] = [
    ['1000m', '1'],
    ['2000m', '2'],
    ['500m', '500m'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['2048Ki', '2Mi'],
    ['1000M', '1G'],
    ['4Gi', '4Gi'],
    ['0', '0'],
    ['3', '3'],
  ];
  for (const [input, expected] of cases) {
    it(`${input} → ${expected}`, () => expect(canonicalQuantity(input)).to.equal(expected));
  }

  it('refuses what is not a quantity', () => {
    expect(() => canonicalQuantity('1.5Gi')).to.throw(/not a Kubernetes quantity/);
    expect(() => canonicalQuantity('ten')).to.throw(/not a Kubernetes quantity/);
  });

  it('compares by value across spellings', () => {
    expect(quantityValue('1Gi')).to.equal(quantityValue('1024Mi'));
    expect(quantityValue('1')).to.equal(quantityValue('1000m'));
    expect(quantityValue('100Gi') > quantityValue('50Gi')).to.equal(true);
  });
});
