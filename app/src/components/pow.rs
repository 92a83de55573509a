//! The proof-of-work fields of a form (see `wsis::pow`): the server's challenge comes with
//! the page; with JavaScript the browser answers it in the background, in small slices so
//! the page stays responsive; without it the form says how long to wait before sending.

use leptos::prelude::*;
use wsis::pow::{Purpose, WAIT_NONCE};

use crate::api::accounts::pow_challenge;
use crate::i18n::*;

/// Nonces tried per slice before yielding to the page.
#[cfg(feature = "hydrate")]
const SLICE: u64 = 20_000;

#[cfg(feature = "hydrate")]
fn solve_in_slices(challenge: String, bits: u8, from: u64, answer: RwSignal<String>) {
    match wsis::pow::solve_range(&challenge, bits, from, SLICE) {
        Some(n) => answer.set(n.to_string()),
        None => set_timeout(move || solve_in_slices(challenge, bits, from + SLICE, answer), std::time::Duration::ZERO),
    }
}

/// Hidden `pow[challenge]` and `pow[nonce]` inputs for a form of `purpose`. `version` is the
/// form's action version: each submission spends the challenge, so a new one is fetched.
#[component]
pub fn PowFields(purpose: Purpose, #[prop(optional, into)] version: Option<Signal<usize>>) -> impl IntoView {
    let i18n = use_i18n();
    let challenge = Resource::new(move || version.map(|v| v.get()), move |_| pow_challenge(purpose.key().to_string()));
    let answer = RwSignal::new(WAIT_NONCE.to_string());
    Effect::new(move |_| {
        if let Some(Ok(c)) = challenge.get() {
            answer.set(WAIT_NONCE.to_string());
            #[cfg(feature = "hydrate")]
            solve_in_slices(c.challenge.clone(), c.bits, 0, answer);
            #[cfg(not(feature = "hydrate"))]
            let _ = c;
        }
    });
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                challenge.await.ok().map(|c| {
                    let secs = c.wait_secs;
                    view! {
                        <input type="hidden" name="pow[challenge]" value=c.challenge.clone()/>
                        <input type="hidden" name="pow[nonce]" value=WAIT_NONCE prop:value=move || answer.get() data-testid="pow-nonce"/>
                        <noscript><p class="hint">{t!(i18n, pow_wait_hint, secs = secs)}</p></noscript>
                    }
                })
            })}
        </Transition>
    }
}
