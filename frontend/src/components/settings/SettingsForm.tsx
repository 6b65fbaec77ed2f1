import { useState, type FormEvent, type ReactNode } from 'react';
import { useSiteSettings, useUpdateSiteSettings, type SiteSettings, type SiteSettingsPatch } from '@/api/siteSettings';
import { FormAlert } from '@/components/ui/FormField';
import { QueryBoundary } from '@/components/ui/States';
import { splitErrors } from '@/lib/formErrors';

export type SettingsValues = Record<string, string | boolean | number | string[]>;

export interface SettingsFormApi {
  values: SettingsValues;
  set: (name: string, value: SettingsValues[string]) => void;
  errors: Record<string, string[]>;
  saved: SiteSettings;
}

interface InnerProps {
  settings: SiteSettings;
  fields: readonly string[];
  /** Write-only secrets: sent only when typed. */
  secrets?: readonly string[];
  children: (api: SettingsFormApi) => ReactNode;
  label: string;
}

function Inner({ settings, fields, secrets = [], children, label }: InnerProps) {
  const update = useUpdateSiteSettings();
  const record = settings as unknown as Record<string, SettingsValues[string] | undefined>;
  const [values, setValues] = useState<SettingsValues>(() =>
    Object.fromEntries(fields.map((name) => [name, secrets.includes(name) ? '' : (record[name] ?? '')])),
  );
  const { fieldErrors, formError } = splitErrors(update.error, fields);
  const set = (name: string, value: SettingsValues[string]) => setValues((v) => ({ ...v, [name]: value }));

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const patch: Record<string, SettingsValues[string]> = {};
    for (const name of fields) {
      if (secrets.includes(name) && values[name] === '') continue;
      patch[name] = values[name]!;
    }
    update.mutate(patch as SiteSettingsPatch, {
      onSuccess: () => setValues((v) => ({ ...v, ...Object.fromEntries(secrets.map((s) => [s, ''])) })),
    });
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-label={label} style={{ maxWidth: '48rem' }}>
      <FormAlert error={formError} />
      {children({ values, set, errors: fieldErrors, saved: settings })}
      <button type="submit" className="btn btn-primary" disabled={update.isPending}>
        Save
      </button>
    </form>
  );
}

/** Loads the settings singleton and edits the given fields of it. */
export function SettingsForm(props: Omit<InnerProps, 'settings'>) {
  const settings = useSiteSettings();
  return <QueryBoundary query={settings}>{(data) => <Inner settings={data} {...props} />}</QueryBoundary>;
}

export const listText = (value: SettingsValues[string] | undefined) => (Array.isArray(value) ? value.join(', ') : String(value ?? ''));
export const textList = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
