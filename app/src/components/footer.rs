use leptos::prelude::*;

use crate::i18n::*;

/// The six UN languages, each named in itself.
pub const LANGUAGES: [(&str, &str); 6] =
    [("ar", "العربية"), ("zh", "中文"), ("en", "English"), ("fr", "Français"), ("ru", "Русский"), ("es", "Español")];

#[component]
pub fn Footer() -> impl IntoView {
    let i18n = use_i18n();
    let current = move || i18n.get_locale().as_str();
    view! {
        <footer class="site-footer">
            <nav class="languages" aria-label=move || t_string!(i18n, language_choice)>
                <ul>
                    {LANGUAGES.iter().map(|(code, name)| {
                        let code = *code;
                        view! {
                            // a full page load: the server renders the chosen language and remembers it
                            <li><a href=format!("?lang={code}") hreflang=code lang=code rel="external"
                                aria-current=move || (current() == code).then_some("true") data-testid=format!("lang-{code}")>{*name}</a></li>
                        }
                    }).collect_view()}
                </ul>
            </nav>
            <p>{t!(i18n, footer_text)}</p>
        </footer>
    }
}
