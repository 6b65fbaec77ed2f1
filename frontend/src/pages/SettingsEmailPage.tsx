import { PageHeader } from '@/components/ui/PageHeader';

export default function SettingsEmailPage() {
  return <PageHeader title="E-mail" />;
}
