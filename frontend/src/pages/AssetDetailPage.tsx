import { PageHeader } from '@/components/ui/PageHeader';

export default function AssetDetailPage() {
  return <PageHeader title="Asset" />;
}
