import { RAG_TAG_CLASSES, RAG_WORDS, ragOf, ragView, targetText } from './rag';

describe('red, amber or green against a target', () => {
  const target = { targetPercent: 85, amberMargin: 5 };

  it('is green at or above the target', () => {
    expect(ragOf(85, target)).toBe('green');
    expect(ragOf(100, target)).toBe('green');
  });

  it('is amber within the margin below the target, the margin itself included', () => {
    expect(ragOf(84.9, target)).toBe('amber');
    expect(ragOf(80, target)).toBe('amber');
  });

  it('is red below the margin', () => {
    expect(ragOf(79.9, target)).toBe('red');
    expect(ragOf(0, target)).toBe('red');
  });

  it('compares in tenths, so a target of 87.5 with a margin of 2.5 holds at its edges despite floating point', () => {
    const t = { targetPercent: 87.5, amberMargin: 2.5 };
    expect(ragOf(87.5, t)).toBe('green');
    expect(ragOf(85, t)).toBe('amber');
    expect(ragOf(84.9, t)).toBe('red');
    expect(ragOf(0.3, { targetPercent: 0.3, amberMargin: 0.1 })).toBe('green');
    expect(ragOf(0.2, { targetPercent: 0.3, amberMargin: 0.1 })).toBe('amber');
  });

  it('with no margin, anything below the target is red', () => {
    expect(ragOf(89.9, { targetPercent: 90, amberMargin: 0 })).toBe('red');
  });

  it('says there is no target, or that nobody is due, rather than a colour', () => {
    expect(ragOf(50, null)).toBe('no target');
    expect(ragOf(null, null)).toBe('no target');
    expect(ragOf(null, target)).toBe('nobody due');
  });

  it('each status has words and a GOV.UK tag colour', () => {
    expect(RAG_WORDS).toEqual({
      green: 'On target',
      amber: 'Close to target',
      red: 'Below target',
      'no target': 'No target set',
      'nobody due': 'Nobody due yet',
    });
    expect(RAG_TAG_CLASSES.green).toBe('govuk-tag--green');
    expect(RAG_TAG_CLASSES.red).toBe('govuk-tag--red');
  });

  it('the view carries the target beside the status and its words', () => {
    expect(ragView(82.4, target)).toEqual({ targetPercent: 85, amberMargin: 5, status: 'amber', words: 'Close to target' });
    expect(ragView(82.4, null)).toEqual({ targetPercent: null, amberMargin: null, status: 'no target', words: 'No target set' });
    expect(targetText(target)).toBe('85%');
    expect(targetText(null)).toBe('');
  });
});
