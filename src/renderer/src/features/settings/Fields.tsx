import { ActionIcon, MultiSelect, PasswordInput, Select, Switch, Text, TextInput } from '@mantine/core';
import { Trash2 } from 'lucide-react';
import { useSettingsForm } from './form-context';
import { numberFromText } from './settings-paths';

interface FieldProps {
  path: string;
  label: string;
  description?: string;
}

/** A text setting, shown as typed; with `nullable`, an empty box means "not set" (null). */
export function TextField({
  path,
  label,
  description,
  nullable,
  placeholder,
}: FieldProps & { nullable?: boolean; placeholder?: string }) {
  const form = useSettingsForm();
  const value = form.get(path);
  return (
    <TextInput
      label={label}
      description={description}
      placeholder={placeholder}
      size="xs"
      value={form.typed(path) ?? (typeof value === 'string' ? value : '')}
      onChange={(e) => {
        const text = e.currentTarget.value;
        form.setTyped(path, text, nullable && text.trim() === '' ? null : text);
      }}
      error={form.error(path)}
      data-settings-path={path}
    />
  );
}

/**
 * A number box that keeps exactly what was typed: no clamping to a range, no rounding, no re-formatting. The draft
 * gets the number the text stands for, or the text itself when it is not a plain number, so the schema's message
 * ("must be a port between 1 and 65535") shows beside the box and Save is refused until it is fixed.
 */
export function NumberBox({
  path,
  label,
  ariaLabel,
  description,
  nullable,
  unit,
  w,
}: {
  path: string;
  label?: string;
  ariaLabel?: string;
  description?: string;
  nullable?: boolean;
  /** Shown after the number, e.g. "ms", "%". */
  unit?: string;
  w?: number;
}) {
  const form = useSettingsForm();
  const value = form.get(path);
  const shown = form.typed(path) ?? (typeof value === 'number' || typeof value === 'string' ? String(value) : '');
  return (
    <TextInput
      label={label}
      aria-label={label ? undefined : ariaLabel}
      description={description}
      size="xs"
      w={w}
      inputMode="decimal"
      autoComplete="off"
      spellCheck={false}
      value={shown}
      onChange={(e) => {
        const text = e.currentTarget.value;
        form.setTyped(path, text, numberFromText(text, nullable));
      }}
      rightSection={
        unit ? (
          <Text size="xs" c="dimmed" component="span">
            {unit}
          </Text>
        ) : undefined
      }
      rightSectionWidth={unit ? 20 + unit.length * 6 : undefined}
      rightSectionPointerEvents="none"
      error={form.error(path)}
      data-settings-path={path}
      styles={{ input: { fontVariantNumeric: 'tabular-nums', textAlign: 'right' } }}
      data-number-field={path}
    />
  );
}

/** A number setting with its label (see NumberBox). */
export function NumberField({
  path,
  label,
  description,
  nullable,
  unit,
}: FieldProps & { nullable?: boolean; unit?: string }) {
  return <NumberBox path={path} label={label} description={description} nullable={nullable} unit={unit} />;
}

export function SwitchField({ path, label, description }: FieldProps) {
  const form = useSettingsForm();
  return (
    <Switch
      label={label}
      description={description}
      size="sm"
      checked={form.get(path) === true}
      onChange={(e) => form.set(path, e.currentTarget.checked)}
      error={form.error(path)}
      data-settings-path={path}
    />
  );
}

/** Stands for null in a select whose setting may be left unset (`nullLabel`). */
const UNSET = '__unset__';

export function SelectField({
  path,
  label,
  description,
  data,
  numeric,
  nullLabel,
}: FieldProps & {
  data: { value: string; label: string }[] | string[];
  numeric?: boolean;
  /** With a label, the first option means "not set" (null), e.g. "same as Order type". */
  nullLabel?: string;
}) {
  const form = useSettingsForm();
  const value = form.get(path);
  const options = nullLabel
    ? [{ value: UNSET, label: nullLabel }, ...data.map((d) => (typeof d === 'string' ? { value: d, label: d } : d))]
    : data;
  return (
    <Select
      label={label}
      description={description}
      size="xs"
      data={options}
      value={value === null || value === undefined ? (nullLabel ? UNSET : null) : String(value)}
      onChange={(next) => form.set(path, next === null || next === UNSET ? null : numeric ? Number(next) : next)}
      allowDeselect={false}
      error={form.error(path)}
      data-settings-path={path}
    />
  );
}

/**
 * A select in a row of a list (an account's type, gateway, approval, cash-flow settings): named by `ariaLabel`, bound
 * to `path`; a value not set shows, and is saved, as `fallback` (the schema's default).
 */
export function RowSelect({
  path,
  ariaLabel,
  data,
  fallback,
}: {
  path: string;
  ariaLabel: string;
  data: { value: string; label: string }[] | string[];
  fallback: string;
}) {
  const form = useSettingsForm();
  const value = form.get(path);
  return (
    <Select
      size="xs"
      aria-label={ariaLabel}
      data={data}
      value={typeof value === 'string' && value !== '' ? value : fallback}
      onChange={(next) => form.set(path, next ?? fallback)}
      allowDeselect={false}
      error={form.error(path)}
      data-settings-path={path}
    />
  );
}

export function MultiSelectField({ path, label, description, data }: FieldProps & { data: string[] }) {
  const form = useSettingsForm();
  const value = form.get(path);
  return (
    <MultiSelect
      label={label}
      description={description}
      size="xs"
      data={data}
      value={Array.isArray(value) ? (value as string[]) : []}
      onChange={(next) => form.set(path, next)}
      clearable
      error={form.error(path)}
      data-settings-path={path}
    />
  );
}

/**
 * A secret (API keys, management token): write-only. It shows whether a value is set, never the value; left empty,
 * '' is sent and the service keeps the secret it has.
 */
export function SecretField({
  path,
  label,
  isSet,
  value,
  onChange,
}: {
  path: string;
  label: string;
  isSet: boolean;
  value: string;
  onChange: (value: string) => void;
}) {
  const form = useSettingsForm();
  return (
    <PasswordInput
      label={label}
      description={isSet ? 'set — type a new value to replace it' : 'not set'}
      placeholder={isSet ? '•••••••• (set)' : 'not set'}
      size="xs"
      autoComplete="off"
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      error={form.error(path)}
      data-settings-path={path}
      data-secret={path}
    />
  );
}

/**
 * One cell of an editor row (an account, a gateway): its column name above its box, shown for the eye only — the
 * box carries its own accessible name. `kind` widens it or lays out a checkbox.
 */
export function RowCell({
  label,
  kind,
  title,
  children,
}: {
  label: string;
  kind?: 'wide' | 'check';
  title?: string;
  children: React.ReactNode;
}) {
  return (
    <div className={kind ? `settings-cell settings-cell-${kind}` : 'settings-cell'} title={title}>
      <Text size="xs" fw={600} c="dimmed" aria-hidden>
        {label}
      </Text>
      {children}
    </div>
  );
}

/** The red bin at the end of an editor row; `label` names what it removes ("Remove account DU1"). */
export function RemoveRowButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <div className="settings-cell-remove">
      <ActionIcon variant="subtle" color="red" aria-label={label} onClick={onClick}>
        <Trash2 size={14} />
      </ActionIcon>
    </div>
  );
}
