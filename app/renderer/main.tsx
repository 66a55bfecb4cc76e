import '@xyflow/react/dist/style.css';
import './styles/theme.css';
import './styles/page.css';
import './styles/graph.css';
import './styles/design.css';
import { ReactFlowProvider } from '@xyflow/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectStudioApi } from './api/connect.js';
import { App } from './App.js';

const root = document.getElementById('root')!;
try {
  connectStudioApi();
  createRoot(root).render(
    <StrictMode>
      <ReactFlowProvider>
        <App />
      </ReactFlowProvider>
    </StrictMode>,
  );
} catch (error) {
  // No host to talk to (the page opened outside Electron and the web host): say so plainly.
  root.textContent = `Cutline cannot start: ${(error as Error).message}`;
  root.setAttribute('role', 'alert');
}
