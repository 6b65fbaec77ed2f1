import { PageHeader } from '@/components/ui/PageHeader';

export default function SettingsUsersPage() {
  return <PageHeader title="Users" />;
}
