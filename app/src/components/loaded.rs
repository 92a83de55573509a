//! The pages' one way of waiting for data: a loading line, the refusal, or the content.

use std::sync::Arc;

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wsis::AppError;

use crate::components::notice::{describe, ErrorBox};
use crate::i18n::*;

/// Renders `children` with the value of `data` once it is there. While it loads, the
/// loading line shows (on a refetch the shown content stays until the new one arrives,
/// as [`Transition`] does); a refusal shows the error box, which on the server also sets
/// the response status ([`ErrorBoundary`]).
///
/// `inline` is for a part of a page (a search's answer): nothing shows while it loads and
/// a refusal is a line in the page, which keeps its status.
#[component]
pub fn Loaded<T, F, V>(data: Resource<Result<T, AppError>>, children: F, #[prop(optional)] inline: bool) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let i18n = use_i18n();
    let children = Arc::new(children);
    let content = move || {
        let children = children.clone();
        Suspend::new(async move { data.await.map(|v| children(v)) })
    };
    let fallback = move |errors: ArcRwSignal<Errors>| {
        move || {
            let e = errors.read().iter().next().map(|(_, e)| e.downcast_ref::<AppError>().cloned().unwrap_or(AppError::Internal))?;
            Some(if inline {
                view! { <p class="error" role="alert" data-testid="load-error">{describe(&e)}</p> }.into_any()
            } else {
                view! { <ErrorBox error=e/> }.into_any()
            })
        }
    };
    view! {
        <Transition fallback=move || (!inline).then(|| view! { <p>{t!(i18n, loading)}</p> })>
            <ErrorBoundary fallback>{content}</ErrorBoundary>
        </Transition>
    }
}

/// `true` once the page runs in the browser (never on the server): for controls that need a
/// script, such as a copy or print button, which a page without scripts does not show.
pub fn in_browser() -> RwSignal<bool> {
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    ready
}
