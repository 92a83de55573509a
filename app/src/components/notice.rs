use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;
use wsis::flash::FlashKind;
use wsis::AppError;

use crate::api::accounts::ChromeData;
use crate::i18n::*;

/// Shows the message a form posted without JavaScript left for this page (the server's
/// signed cookie; see `wsis::flash`), on the page it was left for only.
#[component]
pub fn FormNotice() -> impl IntoView {
    let flash = use_context::<ChromeData>().and_then(|c| c.flash);
    let location = use_location();
    move || {
        let f = flash.clone().filter(|f| f.path == location.pathname.get())?;
        Some(match f.kind {
            FlashKind::Notice => view! { <p class="notice" role="status" data-testid="flash">{f.text}</p> }.into_any(),
            FlashKind::Error => view! { <p class="error" role="alert" data-testid="flash">{f.text}</p> }.into_any(),
        })
    }
}

/// A refusal as a sentence in the page's language: the server already wrote the messages
/// in it; the kinds without a message are named here.
pub fn describe(e: &AppError) -> String {
    let i18n = use_i18n();
    match e {
        AppError::Unauthenticated => t_string!(i18n, msg_sign_in_first).to_string(),
        AppError::TooManyRequests => t_string!(i18n, msg_too_many_attempts).to_string(),
        AppError::Internal => t_string!(i18n, msg_internal).to_string(),
        other => other.describe(),
    }
}

/// An error page body; on the server it also sets the response status.
#[component]
pub fn ErrorBox(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(r) = use_context::<leptos_axum::ResponseOptions>() {
        r.set_status(error.status());
    }
    let i18n = use_i18n();
    let heading = match &error {
        AppError::NotFound(_) => t_string!(i18n, error_not_found),
        AppError::Unauthenticated => t_string!(i18n, error_sign_in),
        AppError::Forbidden(_) | AppError::Closed(_) => t_string!(i18n, error_not_allowed),
        _ => t_string!(i18n, error_generic),
    };
    view! {
        <Title text=heading/>
        <section class="error-page">
            <h1>{heading}</h1>
            <p role="alert">{describe(&error)}</p>
            {matches!(error, AppError::Unauthenticated).then(|| view! { <p><a class="button" href="/signin">{t!(i18n, sign_in)}</a></p> })}
            <p><a href="/">{t!(i18n, back_home)}</a></p>
        </section>
    }
}

/// The message of one refused field, shown beside its input.
pub fn field_error<T: Clone + Send + Sync + 'static>(
    value: impl Get<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
    name: impl Into<String>,
) -> impl Fn() -> Option<AnyView> {
    let name: String = name.into();
    move || {
        value.get().and_then(|r| r.err()).and_then(|e| e.field(&name)).map(|m| {
            view! { <span class="field-error" id=format!("{name}-error") data-testid=format!("error-{name}")>{m}</span> }.into_any()
        })
    }
}

/// The outcome of a form sent with JavaScript on: a notice or the refusal.
pub fn result_line<T: Clone + Send + Sync + 'static>(
    value: impl Get<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
    ok: impl Fn(&T) -> String + 'static,
) -> impl Fn() -> Option<AnyView> {
    move || match value.get() {
        Some(Ok(v)) => Some(view! { <p class="notice" role="status" data-testid="form-ok">{ok(&v)}</p> }.into_any()),
        Some(Err(e)) => Some(view! { <p class="error" role="alert" data-testid="form-error">{describe(&e)}</p> }.into_any()),
        None => None,
    }
}
