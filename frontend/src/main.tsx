import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import 'bootstrap/dist/css/bootstrap.min.css';
import 'bootstrap-icons/font/bootstrap-icons.min.css';
import './styles.css';
import { createQueryClient } from '@/api/queryClient';
import { App } from './App';
import { boot, createAppRouter } from './router';

const queryClient = createQueryClient();
// Session check, page chunk and the page's data all start now, side by side; the first render waits
// for the page chunk only (a few milliseconds from the browser cache).
void boot(queryClient).then(() => {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App queryClient={queryClient} router={createAppRouter()} />
    </StrictMode>,
  );
});
