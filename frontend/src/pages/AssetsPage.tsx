import { PageHeader } from '@/components/ui/PageHeader';

export default function AssetsPage() {
  return <PageHeader title="Assets" />;
}
