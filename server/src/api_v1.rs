//! The public, read-only JSON API under `/api/v1`, described by an OpenAPI 3 document
//! generated from these handlers and types (`/api/v1/openapi.json`, browsable at
//! `/api/v1/docs`). Errors always have the shape `{"error": {"status", "kind", "message"}}`.
//! Results obey the same embargo as the pages.

use std::collections::HashMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use chrono::{DateTime, Utc};
use sea_orm::EntityTrait;
use serde::Serialize;
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;
use wsis::category::CATEGORIES;
use wsis::category::NomineeFilter;
use wsis::db::entity::{edition, nomination};
use wsis::db::{RequestContext, Services};
use wsis::AppError;

#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// The HTTP status, repeated.
    pub status: u16,
    /// A stable name: `not_found`, `invalid`, `forbidden`, …
    pub kind: String,
    /// A message safe to show.
    pub message: String,
}

#[derive(Serialize, ToSchema)]
pub struct ApiError {
    pub error: ErrorBody,
}

struct Failure(AppError);

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status().as_u16()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = ApiError { error: ErrorBody { status: status.as_u16(), kind: self.0.kind().into(), message: self.0.describe() } };
        (status, Json(body)).into_response()
    }
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        Failure(e)
    }
}

type ApiResult<T> = Result<Json<T>, Failure>;

#[derive(Serialize, ToSchema)]
pub struct Window {
    pub opens: DateTime<Utc>,
    pub closes: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct Edition {
    pub year: i32,
    pub title: String,
    /// The edition shown on the home page.
    pub current: bool,
    /// `upcoming`, `submission`, `screening`, `voting`, `review`, `between` or `announced`.
    pub phase: String,
    pub submission: Window,
    pub screening: Window,
    pub voting: Window,
    pub review: Window,
    pub announcement: DateTime<Utc>,
    pub results_public: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Category {
    pub slug: String,
    pub code: String,
    pub action_line: String,
    pub name: String,
    /// Nominees on the ballot of this edition.
    pub nominees: u64,
}

#[derive(Serialize, ToSchema)]
pub struct Nominee {
    pub id: Uuid,
    pub edition: i32,
    /// Category slug.
    pub category: String,
    pub title: String,
    pub organisation: String,
    pub country: String,
    pub region: String,
    pub stakeholder_type: String,
    pub short_description: String,
    pub website: String,
}

#[derive(Serialize, ToSchema)]
pub struct NomineePage {
    pub items: Vec<Nominee>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

#[derive(Serialize, ToSchema)]
pub struct ResultLine {
    pub nominee: Uuid,
    /// `winner` or `champion`.
    pub result: String,
    pub title: String,
    pub organisation: String,
    pub country: String,
    /// Absent when the edition does not publish vote counts.
    pub valid_votes: Option<u64>,
    pub expert_score: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct CategoryResults {
    pub slug: String,
    pub code: String,
    pub name: String,
    pub champions: Vec<ResultLine>,
}

#[derive(Serialize, ToSchema)]
pub struct Results {
    pub year: i32,
    pub categories: Vec<CategoryResults>,
}

/// Query of `/api/v1/editions/{year}/nominees`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct NomineeQuery {
    /// A category slug (e.g. `c7-e-health`); any when absent.
    category: Option<String>,
    /// Words that the title, organisation or country contain (case-insensitive).
    q: Option<String>,
    /// 1-based page.
    #[param(minimum = 1, maximum = 10000)]
    page: Option<u32>,
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u32>,
}

fn edition_out(e: &edition::Model, now: chrono::DateTime<Utc>) -> Edition {
    let v = e.view();
    let w = |x: wsis::phase::Window| Window { opens: x.opens, closes: x.closes };
    Edition {
        year: e.year,
        title: e.title.clone(),
        current: e.is_current,
        phase: v.phase_at(now).key().to_string(),
        submission: w(v.schedule.submission),
        screening: w(v.schedule.screening),
        voting: w(v.schedule.voting),
        review: w(v.schedule.review),
        announcement: v.schedule.announcement,
        results_public: v.results_public(),
    }
}

async fn edition_of(s: &Services, year: &str) -> Result<edition::Model, Failure> {
    Ok(edition::Model::named(&s.db, year).await?)
}

fn nominee_out(n: &nomination::Model, year: i32) -> Nominee {
    Nominee {
        id: n.uuid,
        edition: year,
        category: CATEGORIES.iter().find(|c| c.position as i32 == n.category_id).map(|c| c.slug.to_string()).unwrap_or_default(),
        title: n.title.clone(),
        organisation: n.organisation.clone(),
        country: n.country.clone(),
        region: n.region.key().to_string(),
        stakeholder_type: n.stakeholder_type.key().to_string(),
        short_description: n.short_description.clone(),
        website: n.website.clone(),
    }
}

/// Every edition, newest first.
#[utoipa::path(get, path = "/api/v1/editions", tag = "editions",
    responses((status = 200, description = "Editions, newest first", body = [Edition])))]
async fn editions(State(s): State<Services>) -> ApiResult<Vec<Edition>> {
    let now = s.now();
    Ok(Json(edition::Model::all(&s.db).await?.iter().map(|e| edition_out(e, now)).collect()))
}

/// One edition with its phases and its current phase.
#[utoipa::path(get, path = "/api/v1/editions/{year}", tag = "editions",
    params(("year" = String, Path, description = "The edition's year, e.g. 2026, or `current`", example = "current")),
    responses((status = 200, body = Edition), (status = 404, body = ApiError)))]
async fn edition_by_year(State(s): State<Services>, Path(year): Path<String>) -> ApiResult<Edition> {
    Ok(Json(edition_out(&edition_of(&s, &year).await?, s.now())))
}

/// The 18 categories with their number of nominees in the edition.
#[utoipa::path(get, path = "/api/v1/editions/{year}/categories", tag = "categories",
    params(("year" = String, Path, description = "The edition's year, or `current`", example = "current")),
    responses((status = 200, body = [Category]), (status = 404, body = ApiError)))]
async fn categories(State(s): State<Services>, Path(year): Path<String>) -> ApiResult<Vec<Category>> {
    let e = edition_of(&s, &year).await?;
    let sums = wsis::db::catalog::category_summaries(&s.db, e.id).await?;
    Ok(Json(
        sums.into_iter()
            .map(|c| Category { slug: c.slug, code: c.code, action_line: c.action_line, name: c.name, nominees: c.nominees })
            .collect(),
    ))
}

/// Nominees of an edition, with search and paging.
#[utoipa::path(get, path = "/api/v1/editions/{year}/nominees", tag = "nominees",
    params(("year" = String, Path, description = "The edition's year, or `current`", example = "current"), NomineeQuery),
    responses((status = 200, body = NomineePage), (status = 400, body = ApiError), (status = 404, body = ApiError)))]
async fn nominees(
    State(s): State<Services>,
    Path(year): Path<String>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> ApiResult<NomineePage> {
    let e = edition_of(&s, &year).await?;
    let Query(query) = query.map_err(|_| Failure(AppError::invalid("The query string cannot be read.")))?;
    let number = |k: &str, default: u32, max: u32| -> Result<u32, Failure> {
        match query.get(k).map(|v| v.trim()) {
            None | Some("") => Ok(default),
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| Failure(AppError::invalid(format!("“{k}” must be a whole number from 1 to {max}.")))),
        }
    };
    let page = number("page", 1, 10000)?;
    let per_page = number("per_page", 20, 100)?;
    let category = match query.get("category").map(|c| c.trim()).filter(|c| !c.is_empty()) {
        Some(slug) => Some(
            CATEGORIES
                .iter()
                .find(|c| c.slug == slug)
                .ok_or_else(|| Failure(AppError::invalid(format!("There is no category “{slug}”."))))?
                .position as i32,
        ),
        None => None,
    };
    // the category page's search rule, in one place
    let filter = NomineeFilter { q: query.get("q").cloned().unwrap_or_default(), ..Default::default() };
    let list = wsis::db::catalog::search(&s.db, e.id, category, &filter).await?;
    let total = list.len() as u64;
    let items = list.iter().skip(((page - 1) * per_page) as usize).take(per_page as usize).map(|n| nominee_out(n, e.year)).collect();
    Ok(Json(NomineePage { items, page, per_page, total }))
}

/// One nominee (on the ballot) by id.
#[utoipa::path(get, path = "/api/v1/nominees/{id}", tag = "nominees",
    params(("id" = String, Path, description = "The nominee's id (UUID)")),
    responses((status = 200, body = Nominee), (status = 404, body = ApiError)))]
async fn nominee(State(s): State<Services>, Path(id): Path<String>) -> ApiResult<Nominee> {
    let id = Uuid::parse_str(id.trim()).map_err(|_| Failure(AppError::no_nominee()))?;
    let n = wsis::db::catalog::ballot_nominee(&s.db, id).await?;
    let e = edition::Entity::find_by_id(n.edition_id).one(&s.db).await.map_err(AppError::from)?.ok_or_else(AppError::no_nominee)?;
    // the result (champion, winner) is embargoed with the results: not told here
    Ok(Json(nominee_out(&n, e.year)))
}

/// Winners and champions of an edition: refused (403) until the results are released,
/// except to admins and announcers.
#[utoipa::path(get, path = "/api/v1/editions/{year}/results", tag = "results",
    params(("year" = String, Path, description = "The edition's year, or `current`", example = "current")),
    responses((status = 200, body = Results), (status = 403, description = "Embargoed", body = ApiError), (status = 404, body = ApiError)))]
async fn results(State(s): State<Services>, Path(year): Path<String>, ctx: Option<Extension<RequestContext>>) -> ApiResult<Results> {
    let e = edition_of(&s, &year).await?;
    let viewer = ctx.map_or(wsis::results::Viewer::Public, |c| c.0.viewer());
    let v = wsis::db::results::view(&s.db, &e.year.to_string(), viewer, s.now()).await?;
    Ok(Json(Results {
        year: v.year,
        categories: v
            .categories
            .into_iter()
            .map(|c| CategoryResults {
                slug: c.slug,
                code: c.code,
                name: c.name,
                champions: c
                    .champions
                    .into_iter()
                    .map(|l| ResultLine {
                        nominee: l.nominee,
                        result: if l.winner { "winner" } else { "champion" }.into(),
                        title: l.title,
                        organisation: l.organisation,
                        country: l.country,
                        valid_votes: l.valid_votes,
                        expert_score: l.expert_score,
                    })
                    .collect(),
            })
            .collect(),
    }))
}

#[derive(OpenApi)]
#[openapi(
    info(title = "WSIS Prizes public API", version = "1", description = "Read-only data of the WSIS Prizes: editions and their phases, categories, nominees, and results once released."),
    paths(editions, edition_by_year, categories, nominees, nominee, results),
    components(schemas(ApiError, ErrorBody, Edition, Window, Category, Nominee, NomineePage, Results, CategoryResults, ResultLine)),
    tags((name = "editions"), (name = "categories"), (name = "nominees"), (name = "results"))
)]
pub struct ApiDoc;

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], ApiDoc::openapi().to_pretty_json().unwrap_or_default()).into_response()
}

/// A readable page of the OpenAPI document, rendered on the server (no script needed).
async fn docs() -> Html<String> {
    let doc = ApiDoc::openapi();
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let mut body = String::new();
    for (path, item) in doc.paths.paths.iter() {
        if let Some(op) = &item.get {
            body.push_str(&format!(
                "<section><h2><code>GET {}</code></h2><p>{}</p>",
                esc(path),
                esc(op.description.as_deref().or(op.summary.as_deref()).unwrap_or(""))
            ));
            if let Some(params) = &op.parameters {
                body.push_str("<ul>");
                for p in params {
                    body.push_str(&format!("<li><code>{}</code> — {}</li>", esc(&p.name), esc(p.description.as_deref().unwrap_or(""))));
                }
                body.push_str("</ul>");
            }
            body.push_str("</section>");
        }
    }
    Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>WSIS Prizes public API</title><link rel=\"stylesheet\" href=\"/pkg/wsis.css\"></head><body><main id=\"main\">\
         <h1>WSIS Prizes public API (v1)</h1><p>{}</p><p>OpenAPI 3 document: <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a>. \
         Errors: <code>{{\"error\": {{\"status\", \"kind\", \"message\"}}}}</code>.</p>{body}</main></body></html>",
        esc(doc.info.description.as_deref().unwrap_or(""))
    ))
}

/// The routes of the public API (also the metrics' labels).
pub const PATHS: [&str; 8] = [
    "/api/v1/openapi.json",
    "/api/v1/docs",
    "/api/v1/editions",
    "/api/v1/editions/{year}",
    "/api/v1/editions/{year}/categories",
    "/api/v1/editions/{year}/nominees",
    "/api/v1/editions/{year}/results",
    "/api/v1/nominees/{id}",
];

pub fn routes<S: Clone + Send + Sync + 'static>(services: Services) -> Router<S> {
    Router::new()
        .route(PATHS[0], get(openapi))
        .route(PATHS[1], get(docs))
        .route(PATHS[2], get(editions))
        .route(PATHS[3], get(edition_by_year))
        .route(PATHS[4], get(categories))
        .route(PATHS[5], get(nominees))
        .route(PATHS[6], get(results))
        .route(PATHS[7], get(nominee))
        .with_state(services)
}
