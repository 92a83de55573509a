//! The edition's phase, its timeline and the countdown to the next deadline.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use wsis::edition::EditionView;
use wsis::phase::{Milestone, Phase, PhaseKind};
use wsis::time::countdown;
use crate::components::labels::{geneva, utc};

use crate::i18n::*;
use leptos_i18n::I18nContext;

pub fn phase_name(i18n: I18nContext<Locale>, kind: PhaseKind) -> String {
    match kind {
        PhaseKind::Submission => t_string!(i18n, phase_submission).to_string(),
        PhaseKind::Screening => t_string!(i18n, phase_screening).to_string(),
        PhaseKind::Voting => t_string!(i18n, phase_voting).to_string(),
        PhaseKind::Review => t_string!(i18n, phase_review).to_string(),
    }
}

pub fn phase_status(i18n: I18nContext<Locale>, phase: Phase) -> String {
    match phase {
        Phase::Upcoming => t_string!(i18n, status_upcoming).to_string(),
        Phase::Open(k) => format!("{} — {}", phase_name(i18n, k), t_string!(i18n, status_open)),
        Phase::Between { after } => format!("{} — {}", phase_name(i18n, after), t_string!(i18n, status_closed)),
        Phase::Announced => t_string!(i18n, status_announced).to_string(),
    }
}

pub fn milestone_name(i18n: I18nContext<Locale>, m: Milestone) -> String {
    match m {
        Milestone::Opens(k) => format!("{} {}", phase_name(i18n, k), t_string!(i18n, opens)),
        Milestone::Closes(k) => format!("{} {}", phase_name(i18n, k), t_string!(i18n, closes)),
        Milestone::Announcement => t_string!(i18n, announcement).to_string(),
    }
}

/// "Voting — open" with the next deadline and a live countdown.
#[component]
pub fn PhaseBanner(edition: EditionView, now: DateTime<Utc>) -> impl IntoView {
    let i18n = use_i18n();
    let phase = edition.phase_at(now);
    let next = edition.schedule.next_milestone(now);
    view! {
        <section class="phase-banner" aria-labelledby="phase-heading">
            <h2 id="phase-heading" class="visually-hidden">{t!(i18n, current_phase)}</h2>
            <p class="phase-now">
                <span class="phase-label">{t!(i18n, current_phase)}": "</span>
                <strong data-testid="current-phase">{phase_status(i18n, phase)}</strong>
            </p>
            {next.map(|(m, at)| view! {
                <p class="next-deadline">
                    <NextDeadline milestone=m at=at/>
                    <LocalTime at=at/>
                </p>
                <p><Countdown now=now until=at/></p>
            })}
        </section>
    }
}

/// The one-line version of the banner under every page's header: the edition, its phase,
/// the next deadline in Geneva time and UTC, and the countdown to it.
#[component]
pub fn PhaseStrip(edition: EditionView, now: DateTime<Utc>) -> impl IntoView {
    let i18n = use_i18n();
    let phase = edition.phase_at(now);
    let next = edition.schedule.next_milestone(now);
    view! {
        <section class="phase-strip" data-testid="phase-strip" aria-label=move || t_string!(i18n, current_phase)>
            <span class="strip-edition">{edition.title.clone()}</span>
            <strong class="strip-phase" data-testid="strip-phase">{phase_status(i18n, phase)}</strong>
            {next.map(|(m, at)| view! {
                <span class="strip-next">
                    <NextDeadline milestone=m at=at/>
                    <Countdown now=now until=at testid="strip-countdown"/>
                </span>
            })}
        </section>
    }
}

/// "Next deadline: Public voting closes — 31 March 2026, 23:00 CEST Geneva time (… UTC)".
#[component]
pub fn NextDeadline(milestone: Milestone, at: DateTime<Utc>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        {t!(i18n, next_deadline)}": "
        <strong>{milestone_name(i18n, milestone)}</strong>" — "
        <time datetime=at.to_rfc3339()>{geneva(i18n, at)}</time>" "
        {t!(i18n, geneva_time)}" ("{utc(i18n, at)}")"
    }
}

/// Days, hours, minutes and seconds until an instant; ticks once per second in the browser.
#[component]
pub fn Countdown(now: DateTime<Utc>, until: DateTime<Utc>, #[prop(default = "countdown")] testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let (clock, set_clock) = signal(now);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            // the browser's clock: std's clock does not exist in wasm32-unknown-unknown
            let browser_now = || DateTime::<Utc>::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default();
            set_clock.set(browser_now());
            let handle = set_interval_with_handle(move || set_clock.set(browser_now()), std::time::Duration::from_secs(1));
            on_cleanup(move || {
                if let Ok(h) = handle {
                    h.clear();
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = set_clock;
    });
    let parts = move || countdown(clock.get(), until);
    view! {
        <span class="countdown" data-testid=testid role="timer" aria-live="off">
            <span>{move || parts().0}" "{t!(i18n, days)}</span>" "
            <span>{move || parts().1}" "{t!(i18n, hours)}</span>" "
            <span>{move || parts().2}" "{t!(i18n, minutes)}</span>" "
            <span>{move || parts().3}" "{t!(i18n, seconds)}</span>
        </span>
    }
}

/// Every phase with its dates in Geneva time and UTC; the current one highlighted.
#[component]
pub fn Timeline(edition: EditionView, now: DateTime<Utc>) -> impl IntoView {
    let i18n = use_i18n();
    let phase = edition.phase_at(now);
    let rows = PhaseKind::ALL
        .into_iter()
        .map(|k| {
            let w = edition.schedule.window(k);
            let current = phase == Phase::Open(k);
            view! {
                <li class:current=current aria-current=current.then_some("step")>
                    <strong>{phase_name(i18n, k)}</strong>
                    <span class="dates">
                        <time datetime=w.opens.to_rfc3339()>{geneva(i18n, w.opens)}</time>
                        " → "
                        <time datetime=w.closes.to_rfc3339()>{geneva(i18n, w.closes)}</time>
                    </span>
                    <span class="utc">{utc(i18n, w.opens)}" → "{utc(i18n, w.closes)}</span>
                </li>
            }
        })
        .collect_view();
    let ann = edition.schedule.announcement;
    view! {
        <ol class="timeline" aria-label=move || t_string!(i18n, timeline)>
            {rows}
            <li class:current=phase == Phase::Announced>
                <strong>{t!(i18n, announcement)}</strong>
                <span class="dates"><time datetime=ann.to_rfc3339()>{geneva(i18n, ann)}</time></span>
                <span class="utc">{utc(i18n, ann)}</span>
            </li>
        </ol>
        <p class="hint">{t!(i18n, times_in_geneva)}</p>
    }
}

/// The instant in the viewer's own time zone, filled in by the browser (the server cannot
/// know the zone, so it renders nothing here).
#[component]
pub fn LocalTime(at: DateTime<Utc>) -> impl IntoView {
    let i18n = use_i18n();
    let (text, set_text) = signal(String::new());
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at.timestamp_millis() as f64));
            // the viewer's zone, written in the page's language
            let lang = crate::components::labels::lang(i18n);
            set_text.set(String::from(d.to_locale_string(lang, &wasm_bindgen::JsValue::UNDEFINED)));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (set_text, at);
    });
    view! {
        <span class="local-time" data-testid="local-time">
            {move || {
                let t = text.get();
                (!t.is_empty()).then(|| format!(" · {}: {t}", t_string!(i18n, your_time)))
            }}
        </span>
    }
}

