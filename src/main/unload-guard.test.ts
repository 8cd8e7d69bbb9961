import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { askBeforeDiscardingEdits, DISCARD_QUESTION } from './unload-guard';

function windowWithAnswer(answer: number) {
  const win = { webContents: new EventEmitter() };
  const asked: unknown[] = [];
  askBeforeDiscardingEdits(win, (_win, options) => {
    asked.push(options);
    return answer;
  });
  const fire = () => {
    let prevented = false;
    win.webContents.emit('will-prevent-unload', { preventDefault: () => (prevented = true) });
    return prevented;
  };
  return { fire, asked };
}

describe('asking before a reload or close discards unsaved settings (§26)', () => {
  it('lets the window close when the trader chooses Leave and discard', () => {
    const { fire, asked } = windowWithAnswer(0);
    expect(fire()).toBe(true);
    expect(asked).toEqual([DISCARD_QUESTION]);
  });

  it('keeps the window and its edits when the trader chooses Stay (or closes the dialog)', () => {
    const { fire } = windowWithAnswer(1);
    expect(fire()).toBe(false);
    expect(DISCARD_QUESTION.cancelId).toBe(1);
  });
});
