import { PageHeader } from '@/components/ui/PageHeader';

export default function AssetImportPage() {
  return <PageHeader title="Import assets" />;
}
