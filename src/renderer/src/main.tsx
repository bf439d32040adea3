import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { createEngineClient } from './client/create-client.ts';
import { EngineClientContext } from './client/engine-context.ts';
import { connectEngineStore } from './state/engine-store.ts';
import './styles.css';

const client = createEngineClient();
connectEngineStore(client);
const queryClient = new QueryClient({
  defaultOptions: {
    // The engine answers or fails fast; a couple of retries cover a restart in progress.
    queries: { retry: 2, retryDelay: (n) => 250 * 2 ** n, refetchOnWindowFocus: false, staleTime: Infinity },
  },
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <EngineClientContext.Provider value={client}>
      <QueryClientProvider client={queryClient}>
        <App transport={window.hyperdesk ? 'ipc' : 'websocket'} />
      </QueryClientProvider>
    </EngineClientContext.Provider>
  </StrictMode>,
);
