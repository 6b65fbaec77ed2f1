import { PageHeader } from '@/components/ui/PageHeader';

export default function AssetGraphPage() {
  return <PageHeader title="Relationship graph" />;
}
