// The test host of @asteby/metacore-runtime-react. `/api` is proxied to the metacore server
// named by METACORE_URL (the dev server and `vite preview` both), so the runtime talks to it
// same-origin with base URL `/api`, exactly as a production host configures its client.
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
import tailwindcss from '@tailwindcss/vite'

const target = process.env.METACORE_URL || 'http://127.0.0.1:8080'
const proxy = { '/api': { target, changeOrigin: false } }

export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: { host: '127.0.0.1', strictPort: true, proxy },
  preview: { host: '127.0.0.1', strictPort: true, proxy },
  build: { chunkSizeWarningLimit: 8000, reportCompressedSize: false },
})
