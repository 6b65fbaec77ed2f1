import { PageHeader } from '@/components/ui/PageHeader';

export default function AssetFormPage() {
  return <PageHeader title="Asset form" />;
}
