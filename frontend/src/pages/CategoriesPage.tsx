import { PageHeader } from '@/components/ui/PageHeader';

export default function CategoriesPage() {
  return <PageHeader title="Categories" />;
}
