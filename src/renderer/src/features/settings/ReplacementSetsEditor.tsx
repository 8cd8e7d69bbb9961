import { ActionIcon, Button, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
import { Plus, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { EmptyState } from '../../components/EmptyState';
import { NumberBox } from './Fields';
import { useSettingsForm } from './form-context';

interface ReplacementDraft {
  source?: unknown;
  target?: unknown;
  scale?: unknown;
}

/** Named replacement sets: each `source` symbol is traded as `target` with weight × `scale` (§8 step 2). */
export function ReplacementSetsEditor() {
  const form = useSettingsForm();
  const raw = form.get('replacementSets');
  const sets = (raw && typeof raw === 'object' ? raw : {}) as Record<string, ReplacementDraft[]>;
  const [newName, setNewName] = useState('');
  const names = Object.keys(sets);
  const trimmed = newName.trim();
  // A dot would split the set's name in the field paths ("replacementSets.ira.0.scale") its messages are kept under.
  const nameProblem = !trimmed
    ? undefined
    : Object.hasOwn(sets, trimmed)
      ? `"${trimmed}" already exists`
      : trimmed.includes('.')
        ? 'a set name may not contain "."'
        : undefined;

  const setRows = (name: string, rows: ReplacementDraft[]) => form.set('replacementSets', { ...sets, [name]: rows });
  const removeSet = (name: string) => {
    const next = { ...sets };
    delete next[name];
    form.set('replacementSets', next);
  };

  return (
    <Stack gap="xs">
      {names.length === 0 && (
        <EmptyState>No replacement sets. Add one (e.g. "ira") and pick it on an account.</EmptyState>
      )}
      {names.map((name) => {
        const rows = Array.isArray(sets[name]) ? sets[name] : [];
        const base = `replacementSets.${name}`;
        return (
          <Paper key={name} withBorder p="xs" radius="sm" data-replacement-set={name}>
            <Group justify="space-between" mb={4}>
              <Text size="sm" fw={600}>
                {name}
              </Text>
              <Button size="compact-xs" variant="subtle" color="red" onClick={() => removeSet(name)}>
                Remove set
              </Button>
            </Group>
            {form.error(base) && (
              <Text size="xs" c="red">
                {form.error(base)}
              </Text>
            )}
            <Stack gap={4}>
              {rows.map((row, i) => (
                <Group key={i} gap="xs" align="flex-start" wrap="nowrap">
                  <TextInput
                    size="xs"
                    aria-label="Source symbol"
                    placeholder="source, e.g. DBC"
                    w={140}
                    value={typeof row.source === 'string' ? row.source : ''}
                    onChange={(e) => form.set(`${base}.${i}.source`, e.currentTarget.value)}
                    error={form.error(`${base}.${i}.source`)}
                    data-settings-path={`${base}.${i}.source`}
                  />
                  <Text size="sm" mt={4}>
                    →
                  </Text>
                  <TextInput
                    size="xs"
                    aria-label="Target symbol"
                    placeholder="target, e.g. PDBC"
                    w={140}
                    value={typeof row.target === 'string' ? row.target : ''}
                    onChange={(e) => form.set(`${base}.${i}.target`, e.currentTarget.value)}
                    error={form.error(`${base}.${i}.target`)}
                    data-settings-path={`${base}.${i}.target`}
                  />
                  <Text size="sm" mt={4}>
                    ×
                  </Text>
                  <NumberBox path={`${base}.${i}.scale`} ariaLabel="Scale" w={90} />
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    mt={2}
                    aria-label={`Remove replacement ${i + 1} of ${name}`}
                    onClick={() =>
                      setRows(
                        name,
                        rows.filter((_, j) => j !== i),
                      )
                    }
                  >
                    <Trash2 size={14} />
                  </ActionIcon>
                </Group>
              ))}
              <Group>
                <Button
                  size="compact-xs"
                  variant="default"
                  leftSection={<Plus size={12} />}
                  onClick={() => setRows(name, [...rows, { source: '', target: '', scale: 1 }])}
                >
                  Add replacement
                </Button>
              </Group>
            </Stack>
          </Paper>
        );
      })}
      <Group gap="xs" align="flex-start">
        <TextInput
          size="xs"
          aria-label="New replacement set name"
          placeholder="new set name, e.g. ira"
          value={newName}
          onChange={(e) => setNewName(e.currentTarget.value)}
          error={nameProblem}
        />
        <Button
          size="xs"
          variant="default"
          leftSection={<Plus size={14} />}
          disabled={!trimmed || Boolean(nameProblem)}
          onClick={() => {
            form.set('replacementSets', { ...sets, [trimmed]: [] });
            setNewName('');
          }}
        >
          Add set
        </Button>
      </Group>
    </Stack>
  );
}
