import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';

/** MSW server for unit tests; each test adds the handlers it needs with server.use(...). */
export const server = setupServer(
  http.get('/api/auth/csrf/', () => {
    document.cookie = 'csrftoken=test-csrf; path=/';
    return HttpResponse.json({ csrfToken: 'test-csrf' });
  }),
);
