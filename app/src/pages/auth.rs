//! Sign-up, sign-in, e-mail confirmation and password reset pages.

use leptos::prelude::*;
use leptos::server::ServerAction;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::accounts::{ConfirmEmail, RequestPasswordReset, RequestSignInCode, ResendConfirmation, ResetPassword, SignIn, SignInWithCode, SignUp};
use crate::components::notice::{field_error, result_line, FormNotice};
use crate::components::pow::PowFields;
use crate::i18n::*;
use wsis::pow::Purpose;

#[component]
pub fn SignUpPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SignUp>::new();
    let v = action.value();
    view! {
        <Title text=t_string!(i18n, sign_up_title)/>
        <h1>{t!(i18n, sign_up_title)}</h1>
        <p>{t!(i18n, sign_up_intro)}</p>
        <FormNotice/>
        {result_line(v, |m: &String| m.clone())}
        <ActionForm action=action attr:class="form">
            <label>{t!(i18n, email)}<input type="email" name="input[email]" required autocomplete="email" maxlength="254"/></label>
            {field_error(v, "email")}
            <label>{t!(i18n, password)}<input type="password" name="input[password]" required minlength="10" autocomplete="new-password"/></label>
            <span class="hint">{t!(i18n, password_rule)}</span>
            {field_error(v, "password")}
            <label>{t!(i18n, display_name)}<input type="text" name="input[display_name]" required maxlength="100" autocomplete="name"/></label>
            {field_error(v, "display_name")}
            <label>{t!(i18n, organisation)}<input type="text" name="input[organisation]" maxlength="200" autocomplete="organization"/></label>
            {field_error(v, "organisation")}
            <label>{t!(i18n, country)}<input type="text" name="input[country]" required maxlength="100" autocomplete="country-name"/></label>
            {field_error(v, "country")}
            <PowFields purpose=Purpose::SignUp version=action.version()/>
            <button type="submit" class="button" data-testid="sign-up-submit">{t!(i18n, sign_up)}</button>
        </ActionForm>
        <p>{t!(i18n, have_account)}" "<a href="/signin">{t!(i18n, sign_in)}</a></p>
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SignIn>::new();
    let v = action.value();
    // a page that sent the visitor here (a nominee's vote button) gets them back, with
    // scripts (below) and without (the form's `next`)
    let q = use_query_map();
    let next = q.with_untracked(|q| q.get("next").map(|n| wsis::flash::local_path(&n))).filter(|p| p != "/");
    let to = next.clone().unwrap_or_else(|| "/".to_string());
    let code_href = with_next("/signin/email", next.as_deref());
    Effect::new(move |_| {
        if let Some(Ok(_)) = v.get() {
            // a full load so that every part of the page sees the new session
            #[cfg(feature = "hydrate")]
            if let Some(w) = web_sys::window() {
                let _ = w.location().set_href(&to);
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = &to;
        }
    });
    view! {
        <Title text=t_string!(i18n, sign_in_title)/>
        <h1>{t!(i18n, sign_in_title)}</h1>
        <p><a class="button secondary" href=code_href data-testid="use-code">{t!(i18n, use_code)}</a></p>
        <OidcLink next=next.clone()/>
        <FormNotice/>
        {result_line(v, |u: &wsis::account::SessionUser| u.display_name.clone())}
        <ActionForm action=action attr:class="form">
            <label>{t!(i18n, email)}<input type="email" name="email" required autocomplete="username"/></label>
            <label>{t!(i18n, password)}<input type="password" name="password" required autocomplete="current-password"/></label>
            <PowFields purpose=Purpose::SignIn version=action.version()/>
            {next.clone().map(|n| view! { <input type="hidden" name="next" value=n/> })}
            <button type="submit" class="button" data-testid="sign-in-submit">{t!(i18n, sign_in)}</button>
        </ActionForm>
        <p><a href="/forgot">{t!(i18n, forgot_password)}</a>" · "<a href="/resend">{t!(i18n, resend_link)}</a>" · "<a href="/signup">{t!(i18n, sign_up)}</a></p>
    }
}

/// `path` with `?next=` when there is a page to return to.
fn with_next(path: &str, next: Option<&str>) -> String {
    match next.filter(|n| *n != "/") {
        Some(n) => format!("{path}?next={}", wsis::share::encode(n)),
        None => path.to_string(),
    }
}

/// The page to return to, from the query (a path of this site), if any.
fn next_of_query() -> Option<String> {
    use_query_map().with_untracked(|q| q.get("next").map(|n| wsis::flash::local_path(&n))).filter(|p| p != "/")
}

/// Asks for a sign-in code by e-mail: the way in for a voter who came from a shared link.
#[component]
pub fn CodeRequestPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<RequestSignInCode>::new();
    let v = action.value();
    let next = next_of_query();
    let entry = with_next("/signin/code", next.as_deref());
    let password_href = with_next("/signin", next.as_deref());
    let oidc_next = next.clone();
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(_)) = v.get() {
            navigate(&entry, Default::default());
        }
    });
    view! {
        <Title text=t_string!(i18n, code_request_title)/>
        <h1>{t!(i18n, code_request_title)}</h1>
        <p>{t!(i18n, code_request_intro)}</p>
        <FormNotice/>
        {result_line(v, |m: &String| m.clone())}
        <ActionForm action=action attr:class="form">
            <label>{t!(i18n, email)}<input type="email" name="email" required autocomplete="email" maxlength="254" inputmode="email"/></label>
            {field_error(v, "email")}
            <PowFields purpose=Purpose::Mail version=action.version()/>
            {next.clone().map(|n| view! { <input type="hidden" name="next" value=n/> })}
            <button type="submit" class="button" data-testid="send-code">{t!(i18n, send_code)}</button>
        </ActionForm>
        <OidcLink next=oidc_next/>
        <p><a href=password_href data-testid="use-password">{t!(i18n, use_password)}</a></p>
    }
}

/// "Sign in with {provider}", when an OpenID Connect provider is configured: a plain link
/// to the server's redirect (not a route of this app).
#[component]
fn OidcLink(next: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    crate::api::accounts::ChromeData::current().oidc_name.map(|name| {
        let href = with_next("/signin/oidc", next.as_deref());
        view! { <p><a class="button secondary" href=href rel="external" data-testid="use-oidc">{t!(i18n, use_oidc, name = name.clone())}</a></p> }
    })
}

/// Enters the code (or presses the button of the mailed link) in the browser that asked;
/// a new address also gives its name and country here.
#[component]
pub fn CodeEntryPage() -> impl IntoView {
    let i18n = use_i18n();
    let q = use_query_map();
    let token = q.with_untracked(|q| q.get("token")).filter(|t| !t.is_empty());
    let action = ServerAction::<SignInWithCode>::new();
    let v = action.value();
    let again = with_next("/signin/email", next_of_query().as_deref());
    Effect::new(move |_| {
        if let Some(Ok(done)) = v.get() {
            // a full load so that every part of the page sees the new session
            #[cfg(feature = "hydrate")]
            if let Some(w) = web_sys::window() {
                let _ = w.location().set_href(&wsis::flash::local_path(&done.next));
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = done;
        }
    });
    // the profile fields open once the server asked for them (or after any refusal of a
    // form sent without JavaScript, whose message says what is missing)
    let asked = move || {
        v.get().and_then(|r| r.err()).is_some_and(|e| ["profile", "display_name", "country"].iter().any(|f| e.field(f).is_some()))
            || crate::api::accounts::ChromeData::current().flash.is_some_and(|f| f.kind == wsis::flash::FlashKind::Error)
    };
    let by_link = token.is_some();
    view! {
        <Title text=t_string!(i18n, code_entry_title)/>
        <h1>{t!(i18n, code_entry_title)}</h1>
        <p>{if by_link { t_string!(i18n, code_link_intro) } else { t_string!(i18n, code_entry_intro) }}</p>
        <FormNotice/>
        {result_line(v, |d: &wsis::account::CodeSignedIn| d.user.display_name.clone())}
        <ActionForm action=action attr:class="form">
            {match token.clone() {
                Some(t) => view! { <input type="hidden" name="input[token]" value=t/> }.into_any(),
                None => view! {
                    <label>{t!(i18n, sign_in_code)}
                        <input type="text" name="input[code]" required inputmode="numeric" autocomplete="one-time-code"
                            maxlength="16" data-testid="code-input"/>
                    </label>
                }.into_any(),
            }}
            {field_error(v, "code")}
            <details class="new-account" open=asked data-testid="new-account">
                <summary>{t!(i18n, new_account_summary)}</summary>
                {field_error(v, "profile")}
                <span class="hint">{t!(i18n, new_account_hint)}</span>
                <label>{t!(i18n, display_name)}<input type="text" name="input[display_name]" maxlength="100" autocomplete="name"/></label>
                {field_error(v, "display_name")}
                <label>{t!(i18n, organisation)}<input type="text" name="input[organisation]" maxlength="200" autocomplete="organization"/></label>
                {field_error(v, "organisation")}
                <label>{t!(i18n, country)}<input type="text" name="input[country]" maxlength="100" autocomplete="country-name"/></label>
                {field_error(v, "country")}
            </details>
            <PowFields purpose=Purpose::SignUp version=action.version()/>
            <button type="submit" class="button" data-testid="code-submit">{t!(i18n, sign_in)}</button>
        </ActionForm>
        <p>{t!(i18n, code_missing)}" "<a href=again data-testid="code-again">{t!(i18n, ask_new_code)}</a></p>
    }
}

/// Opens a confirmation link: the password chosen at sign-up proves that the person who
/// opens the link is the one who asked for it; they are then signed in.
#[component]
pub fn ConfirmPage() -> impl IntoView {
    let i18n = use_i18n();
    let q = use_query_map();
    let action = ServerAction::<ConfirmEmail>::new();
    let v = action.value();
    Effect::new(move |_| {
        if let Some(Ok(_)) = v.get() {
            // a full load so that every part of the page sees the new session
            #[cfg(feature = "hydrate")]
            if let Some(w) = web_sys::window() {
                let _ = w.location().set_href("/categories");
            }
        }
    });
    view! {
        <Title text=t_string!(i18n, confirm_title)/>
        <h1>{t!(i18n, confirm_title)}</h1>
        <FormNotice/>
        {result_line(v, |u: &wsis::account::SessionUser| u.display_name.clone())}
        <p>{t!(i18n, confirm_intro)}</p>
        <ActionForm action=action attr:class="form">
            <input type="hidden" name="token" value=move || q.read().get("token").unwrap_or_default()/>
            <label>{t!(i18n, password)}<input type="password" name="password" required autocomplete="current-password"/></label>
            <span class="hint">{t!(i18n, confirm_password_hint)}</span>
            {field_error(v, "password")}
            <button type="submit" class="button" data-testid="confirm-submit">{t!(i18n, confirm_button)}</button>
        </ActionForm>
    }
}

/// The fields of a form that asks for an e-mail (a new link, a password reset): the
/// address and, past the address's limit, a proof of work.
fn mail_request_fields(version: Signal<usize>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label>{t!(i18n, email)}<input type="email" name="email" required/></label>
        <PowFields purpose=Purpose::Mail version=version/>
        <button type="submit" class="button">{t!(i18n, send)}</button>
    }
}

#[component]
pub fn ResendPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<ResendConfirmation>::new();
    view! {
        <Title text=t_string!(i18n, resend_link)/>
        <h1>{t!(i18n, resend_link)}</h1>
        <FormNotice/>
        {result_line(action.value(), |m: &String| m.clone())}
        <ActionForm action=action attr:class="form">{mail_request_fields(action.version().into())}</ActionForm>
    }
}

#[component]
pub fn ForgotPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<RequestPasswordReset>::new();
    view! {
        <Title text=t_string!(i18n, forgot_password)/>
        <h1>{t!(i18n, forgot_password)}</h1>
        <FormNotice/>
        {result_line(action.value(), |m: &String| m.clone())}
        <ActionForm action=action attr:class="form">{mail_request_fields(action.version().into())}</ActionForm>
    }
}

#[component]
pub fn ResetPage() -> impl IntoView {
    let i18n = use_i18n();
    let q = use_query_map();
    let action = ServerAction::<ResetPassword>::new();
    let v = action.value();
    view! {
        <Title text=t_string!(i18n, reset_title)/>
        <h1>{t!(i18n, reset_title)}</h1>
        <FormNotice/>
        {result_line(v, |m: &String| m.clone())}
        <ActionForm action=action attr:class="form">
            <input type="hidden" name="token" value=move || q.read().get("token").unwrap_or_default()/>
            <label>{t!(i18n, new_password)}<input type="password" name="password" required minlength="10" autocomplete="new-password"/></label>
            <span class="hint">{t!(i18n, password_rule)}</span>
            {field_error(v, "password")}
            <button type="submit" class="button">{t!(i18n, save)}</button>
        </ActionForm>
    }
}
