import { ReplacementSetsEditor } from './ReplacementSetsEditor';
import { Section } from './Section';

export function ReplacementSetsSection() {
  return (
    <Section
      title="Replacement sets"
      description="For accounts that may not hold some ETFs (e.g. IRAs): source → target × scale."
    >
      <ReplacementSetsEditor />
    </Section>
  );
}
