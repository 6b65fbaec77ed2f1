import { PageHeader } from '@/components/ui/PageHeader';

export default function DiscoveryJobPage() {
  return <PageHeader title="Discovery job" />;
}
