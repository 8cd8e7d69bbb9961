import { Group, SegmentedControl, Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import { useSettingsForm } from './form-context';
import { Section } from './Section';

/** Paper or live; switching to live asks first, and `onLiveConfirmed` tells the save to send `confirmLive`. */
export function TradingModeSection({ onLiveConfirmed }: { onLiveConfirmed: () => void }) {
  const form = useSettingsForm();
  const tradingMode = form.get('tradingMode') === 'live' ? 'live' : 'paper';

  const switchMode = (mode: string) => {
    if (mode === 'live' && tradingMode !== 'live') {
      modals.openConfirmModal({
        title: 'Switch to LIVE trading?',
        children:
          'With trading mode live, signals place real orders in every enabled account of type live. The switch takes effect when you save.',
        labels: { confirm: 'Switch to live', cancel: 'Stay on paper' },
        confirmProps: { color: 'red' },
        onConfirm: () => {
          onLiveConfirmed();
          form.set('tradingMode', 'live');
        },
      });
      return;
    }
    form.set('tradingMode', mode);
  };

  return (
    <Section
      title="Trading mode"
      description="Paper trades against paper accounts (gateway 4002 / TWS 7497); live places real orders."
    >
      <Group gap="md">
        <SegmentedControl
          aria-label="Trading mode"
          size="sm"
          value={tradingMode}
          onChange={switchMode}
          color={tradingMode === 'live' ? 'red' : undefined}
          data={[
            { value: 'paper', label: 'Paper' },
            { value: 'live', label: 'Live' },
          ]}
        />
        {tradingMode === 'live' && (
          <Text size="sm" c="red" fw={600}>
            LIVE: signals place real orders.
          </Text>
        )}
      </Group>
    </Section>
  );
}
