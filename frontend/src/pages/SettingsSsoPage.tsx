import { PageHeader } from '@/components/ui/PageHeader';

export default function SettingsSsoPage() {
  return <PageHeader title="Single sign-on" />;
}
