import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { holdRoute, useRoute, type LeaveRequest } from './hash-route';

function Shown() {
  return <p data-testid="route">{useRoute()}</p>;
}

/** Sets the hash as a link or Back would, and waits for its hashchange. */
async function go(hash: string): Promise<void> {
  await act(async () => {
    const changed = new Promise((resolve) => window.addEventListener('hashchange', resolve, { once: true }));
    window.location.hash = hash;
    await changed;
  });
}

afterEach(() => {
  window.location.hash = '';
});

describe('hash routing with a page holding the window (§26 unsaved settings)', () => {
  it('asks the holding page first, and stays on it, URL included, until it says leave', async () => {
    await go('#/settings');
    render(<Shown />);
    const asked: LeaveRequest[] = [];
    const release = holdRoute((request) => asked.push(request));

    await go('#/queue');
    expect(asked.map((a) => a.to)).toEqual(['queue']);
    expect(screen.getByTestId('route')).toHaveTextContent('settings');
    expect(window.location.hash).toBe('#/settings');

    // Asked again while the question is open: the last page asked for wins, and nobody is asked twice.
    await go('#/accounts');
    expect(asked).toHaveLength(1);
    await go('#/trade-log');

    await act(async () => {
      const changed = new Promise((resolve) => window.addEventListener('hashchange', resolve, { once: true }));
      asked[0]!.leave();
      await changed;
    });
    expect(screen.getByTestId('route')).toHaveTextContent('trade-log');
    release();
  });

  it('stays when the page says stay, asks again next time, and lets go once released', async () => {
    await go('#/settings');
    render(<Shown />);
    const asked: LeaveRequest[] = [];
    const release = holdRoute((request) => asked.push(request));
    await go('#/accounts');
    act(() => asked[0]!.stay());
    expect(screen.getByTestId('route')).toHaveTextContent('settings');
    await go('#/accounts');
    expect(asked).toHaveLength(2);
    act(() => asked[1]!.stay());

    release();
    await go('#/accounts');
    expect(asked).toHaveLength(2);
    expect(screen.getByTestId('route')).toHaveTextContent('accounts');
  });
});
