import { Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { Plus } from 'lucide-react';
import { NumberBox, RemoveRowButton, RowCell } from './Fields';
import { useSettingsForm } from './form-context';

interface GatewayDraft {
  id?: unknown;
  label?: unknown;
  host?: unknown;
  port?: unknown;
  clientId?: unknown;
  restartWindow?: unknown;
}

const str = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * §21/§28 a gateway's own daily restart window: an empty box follows the default gateway's (the key left out), "off"
 * turns the guard off for this gateway (null), anything else is its window, checked like the default's.
 */
function restartWindowOf(text: string): string | null | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  return trimmed.toLowerCase() === 'off' ? null : text;
}

/** The gateways of a settings draft (§28; the `ib` block above is the gateway "default"). */
export function draftGateways(form: { get(path: string): unknown }): GatewayDraft[] {
  const raw = form.get('gateways');
  return Array.isArray(raw) ? (raw as GatewayDraft[]) : [];
}

/**
 * §28 several IB logins: one row per IB Gateway beside the `ib` block's ("default"), each on its own port; each
 * account picks its gateway in Accounts. Adding, removing or re-addressing a gateway takes effect at the next start.
 */
export function GatewaysEditor() {
  const form = useSettingsForm();
  const gateways = draftGateways(form);
  const setGateways = (next: GatewayDraft[]) => form.set('gateways', next);
  const add = () => {
    const ports = new Set([form.get('ib.port'), ...gateways.map((g) => g.port)]);
    let port = 4012;
    while (ports.has(port)) port += 10;
    setGateways([...gateways, { id: '', label: '', host: '127.0.0.1', port, clientId: null }]);
  };

  return (
    <Stack gap="xs" mt="sm">
      <div>
        <Text size="sm" fw={600}>
          Other IB logins
        </Text>
        <Text size="xs" c="dimmed">
          The gateway above is "default". Add one IB Gateway per further login (e.g. a spouse's), each on its own API
          port; accounts pick theirs in Accounts. A changed gateway list takes effect at the next start.
        </Text>
      </div>
      {form.error('gateways') && (
        <Text size="xs" c="red">
          {form.error('gateways')}
        </Text>
      )}
      {gateways.length > 0 && (
        <div role="list" aria-label="Gateways" className="settings-rows">
          {gateways.map((gateway, i) => {
            const base = `gateways.${i}`;
            const name = str(gateway.id) || `${i + 1}`;
            return (
              <div key={i} role="listitem" data-gateway-row={i} className="settings-row">
                <RowCell label="Id">
                  <TextInput
                    size="xs"
                    aria-label="Gateway id"
                    placeholder="e.g. spouse"
                    value={str(gateway.id)}
                    onChange={(e) => form.set(`${base}.id`, e.currentTarget.value)}
                    error={form.error(`${base}.id`)}
                  />
                </RowCell>
                <RowCell label="Label">
                  <TextInput
                    size="xs"
                    aria-label="Gateway label"
                    placeholder="shown on its light"
                    value={str(gateway.label)}
                    onChange={(e) => form.set(`${base}.label`, e.currentTarget.value)}
                    error={form.error(`${base}.label`)}
                  />
                </RowCell>
                <RowCell label="Host">
                  <TextInput
                    size="xs"
                    aria-label="Gateway host"
                    value={str(gateway.host)}
                    onChange={(e) => form.set(`${base}.host`, e.currentTarget.value)}
                    error={form.error(`${base}.host`)}
                  />
                </RowCell>
                <RowCell label="Port">
                  <NumberBox path={`${base}.port`} ariaLabel="Gateway port" />
                </RowCell>
                <RowCell label="Client id" title="Empty: drawn once for this gateway and kept">
                  <NumberBox path={`${base}.clientId`} ariaLabel="Gateway client id" nullable />
                </RowCell>
                <RowCell
                  label="Restart window"
                  title="HH:MM-HH:MM Time/Zone of this login's daily restart; empty: as the default gateway; off: none"
                >
                  <TextInput
                    size="xs"
                    aria-label="Gateway restart window"
                    placeholder="as default"
                    value={
                      form.typed(`${base}.restartWindow`) ??
                      (gateway.restartWindow === null ? 'off' : str(gateway.restartWindow))
                    }
                    onChange={(e) => {
                      const text = e.currentTarget.value;
                      form.setTyped(`${base}.restartWindow`, text, restartWindowOf(text));
                    }}
                    error={form.error(`${base}.restartWindow`)}
                  />
                </RowCell>
                <RemoveRowButton
                  label={`Remove gateway ${name}`}
                  onClick={() => setGateways(gateways.filter((_, j) => j !== i))}
                />
              </div>
            );
          })}
        </div>
      )}
      <Group>
        <Button size="xs" variant="default" leftSection={<Plus size={14} />} onClick={add}>
          Add gateway
        </Button>
      </Group>
    </Stack>
  );
}
