import { PageHeader } from '@/components/ui/PageHeader';

export default function SettingsGeneralPage() {
  return <PageHeader title="General" />;
}
