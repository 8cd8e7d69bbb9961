import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CompositeNotifier, NtfyNotifier, type Notifier } from './notifier';

describe('NtfyNotifier', () => {
  it('posts the body to {url}/{topic} with the title header', async () => {
    const received: { url?: string; title?: string; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ url: req.url, title: req.headers.title as string, body });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      await new NtfyNotifier(`http://127.0.0.1:${port}/`, 'desk alerts').notify({
        title: 'Needs attention',
        body: 'DU123456 rebalance rejected: insufficient buying power',
        level: 'error',
      });
      expect(received).toEqual([
        {
          url: '/desk%20alerts',
          title: 'Needs attention',
          body: 'DU123456 rebalance rejected: insufficient buying power',
        },
      ]);
    } finally {
      server.close();
    }
  });
});

describe('CompositeNotifier', () => {
  it('still reaches the others when one notifier fails', async () => {
    const seen: string[] = [];
    const failing: Notifier = { notify: async () => Promise.reject(new Error('offline')) };
    const working: Notifier = { notify: async (n) => void seen.push(n.title) };
    await new CompositeNotifier([failing, working]).notify({ title: 'Rebalanced', body: '', level: 'info' });
    expect(seen).toEqual(['Rebalanced']);
  });
});
