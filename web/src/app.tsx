import { useEffect, useState } from "preact/hooks";
import { onSessionChange, session } from "./api/session";
import { Layout } from "./components/layout";
import { match, navigate, useLocation } from "./lib/router";
import { pages } from "./pages";

/** The app: finds the page for the address, sends signed-out visitors to sign in. */
export function App() {
  const { path, query } = useLocation();
  const [signedIn, setSignedIn] = useState(session() !== null);
  useEffect(() => onSessionChange(() => setSignedIn(session() !== null)), []);

  const found = pages.map((page) => ({ page, params: match(page.path, path) })).find((entry) => entry.params);
  const needsSignIn = found && !found.page.public && !signedIn;
  useEffect(() => {
    if (needsSignIn) navigate(`/sign-in?next=${encodeURIComponent(path + location.search)}`, { replace: true });
    else if (signedIn && found?.page.public && found.page.path !== "/reset-password") navigate(query.get("next") ?? "/", { replace: true });
  }, [needsSignIn, signedIn, path]);
  useEffect(() => {
    document.title = found ? `${found.page.title} · Botyard` : "Botyard";
  }, [found?.page]);

  if (!found) return <Layout signedIn={signedIn}><h1>Page not found</h1><p>Nothing lives at {path}.</p></Layout>;
  if (needsSignIn) return null;
  const Page = found.page.component;
  return (
    <Layout signedIn={signedIn} botId={found.params!.id}>
      <Page params={found.params!} query={query} />
    </Layout>
  );
}
