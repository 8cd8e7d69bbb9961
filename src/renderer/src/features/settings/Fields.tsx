import { MultiSelect, NumberInput, PasswordInput, Select, Switch, TextInput } from '@mantine/core';
import { useSettingsForm } from './form-context';

interface FieldProps {
  path: string;
  label: string;
  description?: string;
}

/** A text setting; with `nullable`, an empty box means "not set" (null). */
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
      value={typeof value === 'string' ? value : ''}
      onChange={(e) => {
        const text = e.currentTarget.value;
        form.set(path, nullable && text.trim() === '' ? null : text);
      }}
      error={form.error(path)}
    />
  );
}

export function NumberField({
  path,
  label,
  description,
  nullable,
  min,
  max,
  step,
  suffix,
  decimals,
  grouped,
}: FieldProps & {
  nullable?: boolean;
  min?: number;
  max?: number;
  step?: number;
  suffix?: string;
  decimals?: boolean;
  /** Thousands separators, for durations and amounts (not for ports or ids). */
  grouped?: boolean;
}) {
  const form = useSettingsForm();
  const value = form.get(path);
  return (
    <NumberInput
      label={label}
      description={description}
      size="xs"
      value={typeof value === 'number' ? value : typeof value === 'string' ? value : ''}
      onChange={(next) => form.set(path, typeof next === 'number' ? next : next === '' && nullable ? null : next)}
      min={min}
      max={max}
      step={step}
      suffix={suffix}
      allowDecimal={decimals ?? false}
      thousandSeparator={grouped ? ',' : undefined}
      error={form.error(path)}
      styles={{ input: { fontVariantNumeric: 'tabular-nums', textAlign: 'right' } }}
    />
  );
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
      data-secret={path}
    />
  );
}
