import { SettingsForm } from '@/components/settings/SettingsForm';
import { SelectField, TextField } from '@/components/ui/FormField';
import { useDocumentTitle } from '@/hooks/useDocumentTitle';
import { DISCOVERY_INTERVAL_CHOICES } from '@/lib/choices';

export default function SettingsGeneralPage() {
  useDocumentTitle('General settings');
  return (
    <>
      <h1 className="h4">General</h1>
      <SettingsForm fields={['session_timeout_minutes', 'discovery_interval']} label="General settings">
        {({ values, set, errors }) => (
          <>
            <TextField
              label="Session timeout (minutes)"
              type="number"
              min={5}
              value={String(values.session_timeout_minutes)}
              onChange={(e) => set('session_timeout_minutes', Number(e.target.value))}
              error={errors.session_timeout_minutes}
              help="Users are signed out after this long without activity."
            />
            <SelectField label="Automatic discovery" options={DISCOVERY_INTERVAL_CHOICES} value={String(values.discovery_interval)} onChange={(e) => set('discovery_interval', e.target.value)} error={errors.discovery_interval} />
          </>
        )}
      </SettingsForm>
    </>
  );
}
