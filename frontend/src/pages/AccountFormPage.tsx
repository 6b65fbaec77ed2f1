import { PageHeader } from '@/components/ui/PageHeader';

export default function AccountFormPage() {
  return <PageHeader title="Account" />;
}
