import type { ReactNode } from 'react';
import { useDocumentTitle } from '@/hooks/useDocumentTitle';

/** The centred card of the signed-out pages (login, forgot and reset password). */
export function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  useDocumentTitle(title);
  return (
    <main className="min-vh-100 d-flex align-items-center justify-content-center bg-body-tertiary p-3">
      <div className="card shadow-sm w-100 auth-card">
        <div className="card-body p-4">
          <div className="d-flex align-items-center gap-2 mb-3">
            <img src="/favicon.svg" alt="" width={32} height={32} />
            <span className="fs-4 fw-semibold">Cloudtally</span>
          </div>
          <h1 className="h5 mb-3">{title}</h1>
          {children}
        </div>
      </div>
    </main>
  );
}
