import { useStrategies } from '../../queries/use-queries';
import { AccountsEditor } from './AccountsEditor';
import { useSettingsForm } from './form-context';
import { Section } from './Section';

/** The accounts, with the strategies the allocation API offers and the replacement sets of the draft. */
export function AccountsSection() {
  const form = useSettingsForm();
  const strategies = useStrategies();
  const tradingMode = form.get('tradingMode') === 'live' ? 'live' : 'paper';
  const replacementSets = form.get('replacementSets');
  const replacementSetNames =
    replacementSets && typeof replacementSets === 'object' ? Object.keys(replacementSets) : [];
  return (
    <Section
      title="Accounts"
      description="Each enabled account whose type equals the trading mode follows its strategy's signals."
    >
      <AccountsEditor
        strategies={strategies.data && strategies.data.strategies.length > 0 ? strategies.data.strategies : null}
        strategiesError={
          strategies.error
            ? strategies.error.message
            : (strategies.data?.error ?? (strategies.data?.strategies.length === 0 ? 'the list is empty' : null))
        }
        replacementSetNames={replacementSetNames}
        tradingMode={tradingMode}
      />
    </Section>
  );
}
