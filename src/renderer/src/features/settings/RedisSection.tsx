import {
  ActionIcon,
  Button,
  Group,
  PasswordInput,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Switch,
  Text,
} from '@mantine/core';
import { Plus, Trash2 } from 'lucide-react';
import { NumberBox, SwitchField, TextField } from './Fields';
import { useSettingsForm } from './form-context';

/** Where the queue's Redis is (§22): embedded, one server by URL, a Sentinel-managed master, or a Redis Cluster. */
type Topology = 'embedded' | 'url' | 'sentinel' | 'cluster';

const TOPOLOGIES: { value: Topology; label: string }[] = [
  { value: 'embedded', label: 'Embedded' },
  { value: 'url', label: 'Redis URL' },
  { value: 'sentinel', label: 'Sentinel' },
  { value: 'cluster', label: 'Cluster' },
];

/** Shown in place of a set password (src/core/config/secrets.ts); sent back unchanged it keeps the password. */
const MASK = '••••••••';

function topologyOf(get: (path: string) => unknown): Topology {
  if (get('redis.cluster') !== null && get('redis.cluster') !== undefined) return 'cluster';
  if (get('redis.sentinel') !== null && get('redis.sentinel') !== undefined) return 'sentinel';
  if (get('redis.url') !== null && get('redis.url') !== undefined) return 'url';
  return 'embedded';
}

/** A list of `{host, port}` (sentinels, cluster nodes): a row each, added and removed; messages from the schema. */
function EndpointList({ path, what, defaultPort }: { path: string; what: string; defaultPort: number }) {
  const form = useSettingsForm();
  const value = form.get(path);
  const list = Array.isArray(value) ? (value as unknown[]) : [];
  const listError = form.error(path);
  return (
    <Stack gap={4} data-endpoint-list={path}>
      {list.map((_, i) => (
        <Group key={i} gap="xs" align="flex-start" wrap="nowrap" data-endpoint-row={`${path}.${i}`}>
          <div style={{ flex: 1 }}>
            <TextField path={`${path}.${i}.host`} label={`${what} ${i + 1} host`} placeholder="10.0.0.5" />
          </div>
          <NumberBox path={`${path}.${i}.port`} label="Port" w={110} />
          <ActionIcon
            variant="subtle"
            color="gray"
            mt={22}
            aria-label={`Remove ${what.toLowerCase()} ${i + 1}`}
            onClick={() =>
              form.set(
                path,
                list.filter((__, j) => j !== i),
              )
            }
          >
            <Trash2 size={14} />
          </ActionIcon>
        </Group>
      ))}
      {listError && (
        <Text size="xs" c="red" role="alert">
          {listError}
        </Text>
      )}
      <Group>
        <Button
          size="compact-xs"
          variant="light"
          leftSection={<Plus size={12} />}
          onClick={() => form.set(path, [...list, { host: '', port: defaultPort }])}
        >
          Add {what.toLowerCase()}
        </Button>
      </Group>
    </Stack>
  );
}

/** `redis.sentinel.password`: write-only like the other secrets; a set one reads as the mask and is kept as such. */
function SentinelPassword() {
  const form = useSettingsForm();
  const path = 'redis.sentinel.password';
  const value = form.get(path);
  const isSet = value === MASK;
  return (
    <PasswordInput
      label="Password"
      description={isSet ? 'set — type a new one to replace it' : "the master's and the sentinels' (empty for none)"}
      placeholder={isSet ? '•••••••• (set)' : 'none'}
      size="xs"
      autoComplete="off"
      value={isSet || typeof value !== 'string' ? '' : value}
      onChange={(e) => {
        const text = e.currentTarget.value;
        form.set(path, text === '' ? (isSet ? MASK : null) : text);
      }}
      error={form.error(path)}
      data-settings-path={path}
      data-secret={path}
    />
  );
}

/** `redis.tls`: off (null), or PEM file paths and whether the server's certificate must be trusted. */
function TlsFields() {
  const form = useSettingsForm();
  const on = form.get('redis.tls') !== null && form.get('redis.tls') !== undefined;
  return (
    <Stack gap={4}>
      <Switch
        size="sm"
        label="TLS certificate files"
        description="For rediss://, or a Sentinel / Cluster behind TLS: PEM paths on this machine."
        checked={on}
        onChange={(e) =>
          form.set(
            'redis.tls',
            e.currentTarget.checked ? { ca: null, cert: null, key: null, rejectUnauthorized: true } : null,
          )
        }
      />
      {on && (
        <SimpleGrid cols={3} spacing="xs">
          <TextField path="redis.tls.ca" label="CA certificate" nullable placeholder="system CAs" />
          <TextField path="redis.tls.cert" label="Client certificate" nullable placeholder="none" />
          <TextField path="redis.tls.key" label="Client key" nullable placeholder="none" />
          <SwitchField path="redis.tls.rejectUnauthorized" label="Refuse an untrusted server certificate" />
        </SimpleGrid>
      )}
    </Stack>
  );
}

/**
 * The Redis topology of §22 in Settings: embedded (the default), `redis.url`, `redis.sentinel` or `redis.cluster`
 * (exactly one), `redis.tls` and `redis.minReplicas`. Every box is a typed text box; messages come from the schema.
 */
export function RedisSection() {
  const form = useSettingsForm();
  const topology = topologyOf(form.get);
  const choose = (next: string) => {
    if (next === topology) return;
    form.set('redis.url', next === 'url' ? '' : null);
    form.set(
      'redis.sentinel',
      next === 'sentinel' ? { masterName: '', sentinels: [{ host: '', port: 26379 }], password: null } : null,
    );
    form.set('redis.cluster', next === 'cluster' ? [{ host: '', port: 7000 }] : null);
    if (next === 'embedded') {
      // The embedded Redis has no replicas to WAIT for, nor TLS: left set, every enqueue would fail.
      form.set('redis.minReplicas', 0);
      form.set('redis.tls', null);
    }
  };
  return (
    <Stack gap="xs" data-testid="redis-section">
      <SegmentedControl size="xs" aria-label="Redis topology" value={topology} onChange={choose} data={TOPOLOGIES} />
      {topology === 'embedded' && (
        <Text size="xs" c="dimmed">
          The app starts its own redis-server in the data folder (nothing to set).
        </Text>
      )}
      {topology === 'url' && (
        <TextField
          path="redis.url"
          label="Redis URL"
          placeholder="rediss://:password@redis.internal:6380/0"
          description="redis:// or rediss:// (TLS); a password in it is shown as •••••••• and kept unless you change it"
        />
      )}
      {topology === 'sentinel' && (
        <Stack gap={4}>
          <SimpleGrid cols={2} spacing="xs">
            <TextField path="redis.sentinel.masterName" label="Master name" placeholder="rd-master" />
            <SentinelPassword />
          </SimpleGrid>
          <EndpointList path="redis.sentinel.sentinels" what="Sentinel" defaultPort={26379} />
        </Stack>
      )}
      {topology === 'cluster' && <EndpointList path="redis.cluster" what="Node" defaultPort={7000} />}
      {topology !== 'embedded' && (
        <>
          <TlsFields />
          <NumberBox
            path="redis.minReplicas"
            label="Replicas that must confirm each write"
            description="0 = none; with 1 or more an enqueue or completion waits for WAIT to confirm it (1 s)"
            w={320}
          />
        </>
      )}
    </Stack>
  );
}
