#![recursion_limit = "256"]
//! The WSIS Prizes web application: pages, components and server functions.

pub mod api;
pub mod components;
pub mod pages;

#[allow(deprecated)]
mod i18n_gen {
    leptos_i18n::load_locales!();
}
/// The generated translations, with `use_i18n` that a late part of a page can call.
pub mod i18n {
    pub use crate::i18n_gen::i18n::*;
    use leptos_i18n::I18nContext;

    /// The page's i18n context, for the client: the one `provide_i18n` made.
    #[cfg(not(feature = "ssr"))]
    pub fn use_i18n() -> I18nContext<Locale> {
        leptos::prelude::use_context::<I18nContext<Locale>>().unwrap_or_else(detached)
    }

    /// The request's i18n context on the server (`crate::provide_i18n`): the context, a
    /// value made beside its language in the same reactive owner (readable exactly while the
    /// language is), and the language itself outside the reactive graph.
    #[cfg(feature = "ssr")]
    #[derive(Clone, Copy)]
    pub(crate) struct RequestI18n {
        pub(crate) i18n: I18nContext<Locale>,
        pub(crate) alive: leptos::prelude::StoredValue<()>,
        pub(crate) locale: Locale,
    }

    /// The page's i18n context. A part of a page that the server renders after its request
    /// was abandoned (the page's owner cleaned up, the language's value disposed) gets a new
    /// context in the request's language, owned by the caller's own owner, instead of a
    /// panic; nobody receives that render.
    #[cfg(feature = "ssr")]
    pub fn use_i18n() -> I18nContext<Locale> {
        use leptos::prelude::GetValue;
        match leptos::prelude::use_context::<RequestI18n>() {
            Some(r) if r.alive.try_get_value().is_some() => r.i18n,
            Some(r) => owned_by_caller(r.locale),
            None => owned_by_caller(Locale::default()),
        }
    }

    /// A context in `locale` whose values live in a child of the caller's owner (so in the
    /// caller's arena, for as long as the caller), with its effects paused.
    #[cfg(feature = "ssr")]
    fn owned_by_caller(locale: Locale) -> I18nContext<Locale> {
        let Some(caller) = leptos::prelude::Owner::current() else { return detached() };
        let owner = caller.child();
        let i18n = paused_context(&owner, Some(locale));
        leptos::prelude::on_cleanup(move || drop(owner));
        i18n
    }

    /// Called outside any reactive owner: a context of a root of its own, which lives as
    /// long as the process.
    #[cfg(feature = "ssr")]
    fn detached() -> I18nContext<Locale> {
        static DETACHED: std::sync::OnceLock<I18nContext<Locale>> = std::sync::OnceLock::new();
        *DETACHED.get_or_init(|| {
            let owner = leptos::prelude::Owner::new_root(None);
            let i18n = paused_context(&owner, None);
            std::mem::forget(owner);
            i18n
        })
    }

    /// A new context made under `owner` (in `locale`, or as the request asks), whose effects
    /// never run on the server: the owner is paused once they exist, as pausing an owner
    /// pauses the children it has.
    #[cfg(feature = "ssr")]
    fn paused_context(owner: &leptos::prelude::Owner, locale: Option<Locale>) -> I18nContext<Locale> {
        let i18n = owner.with(|| {
            let i18n = leptos_i18n::context::init_i18n_context_with_options::<Locale>(leptos_i18n::context::I18nContextOptions::default());
            if let Some(l) = locale {
                i18n.set_locale_untracked(l);
            }
            i18n
        });
        owner.pause();
        i18n
    }

    #[cfg(not(feature = "ssr"))]
    fn detached() -> I18nContext<Locale> {
        leptos_i18n::context::use_i18n_context::<Locale>()
    }
}

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Html, Link, Meta, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::i18n::*;

/// The path prefix under which this build's bundle is served (`/v/<content hash>`): the
/// URL changes whenever a file of the bundle does, so browsers may keep them for a year.
static ASSET_ROOT: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Sets the bundle's path prefix once, at start-up (the server hashes the files).
pub fn set_asset_root(root: String) {
    let _ = ASSET_ROOT.set(root);
}

/// The bundle's path prefix; empty (plain `/pkg/…`) until the server set it.
pub fn asset_root() -> String {
    ASSET_ROOT.get().cloned().unwrap_or_default()
}

/// The HTML document around the app; `lang`/`dir` are set by the i18n provider.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let root = asset_root();
    let css = format!("{root}/pkg/wsis.css");
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                <link rel="stylesheet" id="leptos" href=css/>
                <HydrationScripts options root/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Marks the page once the browser build has taken over, for tests and styles.
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    // The header's data (the visitor, the edition's phase) is known when the request
    // arrives: rendered at once on the server and handed to the browser with the page,
    // so the header never waits behind a Suspense.
    let chrome = leptos::server::SharedValue::new(api::accounts::ChromeData::of_request).into_inner();
    provide_context(chrome);

    provide_i18n();

    view! {
        <Link rel="icon" href="/favicon.svg"/>
        <HeadTags/>
        <Router>
            <components::header::Header/>
            <main id="main" tabindex="-1">
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=path!("/") view=pages::home::HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/categories") view=pages::categories::CategoriesPage ssr=SsrMode::Async/>
                    <Route path=path!("/categories/:slug") view=pages::category::CategoryPage ssr=SsrMode::Async/>
                    <Route path=path!("/nominees/:id") view=pages::nominee::NomineePage ssr=SsrMode::Async/>
                    <Route path=path!("/nominees/:id/poster") view=pages::nominee::PosterPage ssr=SsrMode::Async/>
                    <Route path=path!("/signup") view=pages::auth::SignUpPage ssr=SsrMode::Async/>
                    <Route path=path!("/signin") view=pages::auth::SignInPage ssr=SsrMode::Async/>
                    <Route path=path!("/signin/email") view=pages::auth::CodeRequestPage ssr=SsrMode::Async/>
                    <Route path=path!("/signin/code") view=pages::auth::CodeEntryPage ssr=SsrMode::Async/>
                    <Route path=path!("/confirm") view=pages::auth::ConfirmPage ssr=SsrMode::Async/>
                    <Route path=path!("/resend") view=pages::auth::ResendPage ssr=SsrMode::Async/>
                    <Route path=path!("/forgot") view=pages::auth::ForgotPage ssr=SsrMode::Async/>
                    <Route path=path!("/reset") view=pages::auth::ResetPage ssr=SsrMode::Async/>
                    <Route path=path!("/account") view=pages::account::AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/my-votes") view=pages::my_votes::MyVotesPage ssr=SsrMode::Async/>
                    <Route path=path!("/receipt") view=pages::receipt::ReceiptPage ssr=SsrMode::Async/>
                    <Route path=path!("/submit") view=pages::submissions::SubmitPage ssr=SsrMode::Async/>
                    <Route path=path!("/submissions") view=pages::submissions::MySubmissionsPage ssr=SsrMode::Async/>
                    <Route path=path!("/submissions/:id") view=pages::submissions::SubmissionPage ssr=SsrMode::Async/>
                    <Route path=path!("/invitations/:token") view=pages::submissions::InvitationPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin") view=pages::dashboard::AdminDashboardPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/editions/new") view=pages::editions::NewEditionPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/editions/:year") view=pages::editions::EditionPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/accounts") view=pages::admin::AccountsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/tally") view=pages::admin::TallyPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/mail") view=pages::admin::MailPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/broadcasts") view=pages::broadcasts::BroadcastsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/audit") view=pages::audit::AuditPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/champions") view=pages::champions::ChampionsPage ssr=SsrMode::Async/>
                    <Route path=path!("/results") view=pages::results::ResultsPage ssr=SsrMode::Async/>
                    <Route path=path!("/results/:year") view=pages::results::ResultsPage ssr=SsrMode::Async/>
                    <Route path=path!("/results/:year/stories") view=pages::results::StoriesPage ssr=SsrMode::Async/>
                    <Route path=path!("/results/:year/participation") view=pages::results::ParticipationPage ssr=SsrMode::Async/>
                    <Route path=path!("/results/:year/certificates") view=pages::results::CertificatesPage ssr=SsrMode::Async/>
                    <Route path=path!("/review") view=pages::review::ExpertHomePage ssr=SsrMode::Async/>
                    <Route path=path!("/screen") view=pages::screening::ScreenerPage ssr=SsrMode::Async/>
                    <Route path=path!("/review/:id") view=pages::review::ReviewSheetPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/review") view=pages::review::AdminReviewPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/screening") view=pages::screening::ScreeningPage ssr=SsrMode::Async/>
                </Routes>
            </main>
            <components::footer::Footer/>
        </Router>
    }
}

/// Provides the interface language (from `?lang=`, the cookie or `Accept-Language`) to
/// every page. leptos_i18n's provider would also start an effect that writes the language
/// cookie; on the server that effect runs on a task of its own, which under load can be
/// polled after the request finished and its reactive values were disposed — a panic in a
/// Tokio worker. So the context is made under an owner of its own, kept for the request,
/// whose effects are paused on the server (the cookie is the `lang_param` middleware's).
fn provide_i18n() {
    let Some(owner) = Owner::current().map(|o| o.child()) else { return };
    let i18n = owner.with(|| {
        leptos_i18n::context::provide_i18n_context_with_options_inner::<Locale>(leptos_i18n::context::I18nContextOptions::default())
    });
    #[cfg(feature = "ssr")]
    {
        owner.pause();
        let alive = owner.with(|| StoredValue::new(()));
        let locale = owner.with(|| i18n.get_locale_untracked());
        provide_context(i18n::RequestI18n { i18n, alive, locale });
    }
    #[cfg(not(feature = "ssr"))]
    provide_context(i18n);
    // the context's values live as long as the page's owner
    on_cleanup(move || drop(owner));
}

/// The page's description and title suffix, in the page's language.
#[component]
fn HeadTags() -> impl IntoView {
    let i18n = use_i18n();
    // read once: the title's formatter runs after the page's reactive owner is gone
    let brand = t_string!(i18n, brand).to_string();
    let description = t_string!(i18n, meta_description).to_string();
    let locale = i18n.get_locale_untracked();
    view! {
        <Html attr:lang=locale.as_str() attr:dir=locale.direction().as_str()/>
        <Meta name="description" content=description/>
        <Title formatter=move |t: String| if t.is_empty() { brand.clone() } else { format!("{t} · {brand}") }/>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
