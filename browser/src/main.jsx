// A minimal host of the official React runtime, wired the way a production host is: an axios
// client with base URL `/api` and a bearer token behind <ApiProvider>, the caller's
// capabilities from `GET /api/permissions/me` behind <PermissionsProvider>, the sidebar from
// `GET /api/metacore/navigation`, and one <DynamicCRUDPage> per model route (`/m/<model>`,
// the URLs navigation serves) under a TanStack router, which the runtime's row actions need.
//
// The token comes from `?token=` (kept in sessionStorage and removed from the address bar, so
// the table's URL sync never copies it) or from VITE_METACORE_TOKEN at build time.
import React, { useEffect, useState } from 'react'
import { createRoot } from 'react-dom/client'
import axios from 'axios'
import i18n from 'i18next'
import { initReactI18next, useTranslation } from 'react-i18next'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import {
  Link,
  Outlet,
  RouterProvider,
  createRootRoute,
  createRoute,
  createRouter,
  redirect,
  useParams,
} from '@tanstack/react-router'
import { Toaster } from 'sonner'
import {
  ApiProvider,
  DynamicCRUDPage,
  PermissionsProvider,
  useApi,
} from '@asteby/metacore-runtime-react'
import './styles.css'

const TOKEN_KEY = 'metacore.token'

function takeToken() {
  const url = new URL(window.location.href)
  const fromQuery = url.searchParams.get('token')
  if (fromQuery) {
    sessionStorage.setItem(TOKEN_KEY, fromQuery)
    url.searchParams.delete('token')
    window.history.replaceState(null, '', url.pathname + url.search + url.hash)
  }
  return sessionStorage.getItem(TOKEN_KEY) || import.meta.env.VITE_METACORE_TOKEN || ''
}

const token = takeToken()

const api = axios.create({ baseURL: '/api' })
api.interceptors.request.use((config) => {
  if (token) config.headers.Authorization = `Bearer ${token}`
  return config
})

i18n.use(initReactI18next).init({
  lng: 'en',
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  resources: {
    en: {
      translation: {
        common: { cancel: 'Cancel', actions: 'Actions', success: 'Success', close: 'Close' },
        datatable: {
          view: 'View',
          edit: 'Edit',
          delete: 'Delete',
          asc: 'Asc',
          desc: 'Desc',
          hide: 'Hide',
          columns: 'Columns',
          page_x_of_y: 'Page {{current}} of {{total}}',
          rows_per_page: 'Rows per page',
          go_first_page: 'Go to first page',
          go_previous_page: 'Go to previous page',
          go_next_page: 'Go to next page',
          go_last_page: 'Go to last page',
          go_page: 'Go to page {{page}}',
        },
      },
    },
  },
})

function Sidebar() {
  const client = useApi()
  const { t } = useTranslation()
  const [groups, setGroups] = useState([])
  useEffect(() => {
    client.get('/metacore/navigation').then((res) => setGroups(Array.isArray(res.data) ? res.data : []))
  }, [client])
  return (
    <nav aria-label="Navigation" className="w-56 shrink-0 border-r p-3 text-sm overflow-y-auto">
      {groups.map((group) => (
        <div key={group.title} className="mb-3">
          <div className="font-semibold text-muted-foreground">{t(group.title, { defaultValue: group.title })}</div>
          <ul>
            {(group.items || []).map((item) => {
              const [path, query = ''] = String(item.url || '').split('?')
              const search = Object.fromEntries(new URLSearchParams(query))
              return (
                <li key={item.url}>
                  <Link to={path} search={search} className="hover:underline">
                    {t(item.title, { defaultValue: item.title })}
                  </Link>
                </li>
              )
            })}
          </ul>
        </div>
      ))}
    </nav>
  )
}

function Shell() {
  const client = useApi()
  const [me, setMe] = useState(null)
  const [error, setError] = useState(null)
  useEffect(() => {
    client
      .get('/permissions/me')
      .then((res) => setMe(res.data.data))
      .catch((e) => setError(`GET /api/permissions/me: ${e?.response?.status ?? e.message}`))
  }, [client])
  if (error) return <p role="alert">{error}</p>
  if (!me) return <p>Loading…</p>
  return (
    <PermissionsProvider permissions={me.permissions || []} isAdmin={Boolean(me.is_admin)}>
      <div className="flex h-svh" data-testid="host-ready">
        <Sidebar />
        <main className="flex-1 min-w-0">
          <Outlet />
        </main>
      </div>
    </PermissionsProvider>
  )
}

function ModelPage() {
  const { model } = useParams({ strict: false })
  return <DynamicCRUDPage key={model} model={model} />
}

const rootRoute = createRootRoute({ component: Shell })
const indexRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  beforeLoad: () => {
    throw redirect({ to: '/m/$model', params: { model: 'customers' } })
  },
})
const modelRoute = createRoute({ getParentRoute: () => rootRoute, path: '/m/$model', component: ModelPage })
const router = createRouter({ routeTree: rootRoute.addChildren([indexRoute, modelRoute]) })

createRoot(document.getElementById('root')).render(
  <React.StrictMode>
    <QueryClientProvider client={new QueryClient()}>
      <ApiProvider client={api}>
        <RouterProvider router={router} />
        {/* Bottom left: clear of the toolbar (top right) and the pager (bottom right). */}
        <Toaster richColors closeButton position="bottom-left" />
      </ApiProvider>
    </QueryClientProvider>
  </React.StrictMode>,
)
