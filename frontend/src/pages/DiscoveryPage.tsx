import { PageHeader } from '@/components/ui/PageHeader';

export default function DiscoveryPage() {
  return <PageHeader title="Discovery" />;
}
