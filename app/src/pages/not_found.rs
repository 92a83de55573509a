use leptos::prelude::*;
use wsis::AppError;

use crate::components::notice::ErrorBox;
use crate::i18n::*;

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! { <ErrorBox error=AppError::NotFound(t_string!(i18n, page_not_found).to_string())/> }
}
