import { PageHeader } from '@/components/ui/PageHeader';

export default function AccountsPage() {
  return <PageHeader title="AWS accounts" />;
}
