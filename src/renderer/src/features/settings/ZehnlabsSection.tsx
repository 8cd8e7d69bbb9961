import { JsonInput, SimpleGrid } from '@mantine/core';
import { NumberField, SecretField, SwitchField, TextField } from './Fields';
import { useSettingsForm } from './form-context';
import { Section } from './Section';
import { SECRETS, type SettingsSecrets } from './use-settings-draft';

/**
 * `zehnlabs.realtime`: extra Ably options as a JSON object, edited as text and kept as typed. Text that is not JSON
 * goes into the draft as it is, so the schema refuses it and Save waits; credentials in it read as the mask and are
 * kept when the mask is saved back.
 */
function RealtimeOptions() {
  const form = useSettingsForm();
  const path = 'zehnlabs.realtime';
  const typed = form.typed(path);
  const text = typed ?? JSON.stringify(form.get(path) ?? {}, null, 2);
  let syntax: string | undefined;
  if (typed !== undefined && typed.trim() !== '') {
    try {
      JSON.parse(typed);
    } catch (error) {
      syntax = `is not valid JSON: ${(error as Error).message}`;
    }
  }
  return (
    <JsonInput
      label="Realtime client options (JSON)"
      description="Passed to the Ably client as extra options; {} for none. Credentials in it are write-only."
      size="xs"
      autosize
      minRows={2}
      maxRows={6}
      value={text}
      onChange={(next) => {
        let value: unknown = next;
        try {
          value = JSON.parse(next.trim() === '' ? '{}' : next);
        } catch {
          value = next;
        }
        form.setTyped(path, next, value);
      }}
      error={syntax ?? form.error(path)}
      data-settings-path={path}
    />
  );
}

export function ZehnlabsSection({ secrets }: { secrets: SettingsSecrets }) {
  return (
    <Section title="Zehnlabs" description="Signals (realtime) and target allocations (allocation API).">
      <SimpleGrid cols={2} spacing="xs">
        {SECRETS.filter((s) => s.path.startsWith('zehnlabs.')).map((s) => (
          <SecretField
            key={s.path}
            path={s.path}
            label={s.label}
            isSet={secrets.isSet(s.path)}
            value={secrets.value(s.path)}
            onChange={(value) => secrets.set(s.path, value)}
          />
        ))}
        <TextField path="zehnlabs.allocationsUrl" label="Allocations URL" />
        <SwitchField
          path="zehnlabs.autoCatchUp"
          label="Catch up automatically"
          description="Enqueue a rebalance by itself when an account missed a signal."
        />
        <NumberField
          path="zehnlabs.staleAllocationDays"
          label="Stale allocation after (days)"
          description="A plan whose allocation is older than this carries a warning (preview, awaiting plan, report)."
        />
      </SimpleGrid>
      <RealtimeOptions />
    </Section>
  );
}
