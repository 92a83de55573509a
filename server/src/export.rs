//! Result files for announcers: CSV, JSON and XLSX of winners and champions, and the
//! anonymised vote ledger with its digest. Served over HTTP and written by the CLI; the
//! embargo applies to both (only admins and announcers before release).

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use rust_xlsxwriter::{Format as CellFormat, Workbook};
use sea_orm::DatabaseConnection;
use chrono::{DateTime, Utc};
use wsis::db::{RequestContext, Services};
use wsis::results::{export_rows, to_csv, ResultsView, Viewer, EXPORT_HEADERS};
use wsis::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
    Xlsx,
    Ledger,
    Digest,
    /// The published bulletin for the independent verifier (`wsis::bulletin`).
    Bulletin,
    /// The participation figures (CSV).
    Participation,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "csv" => Format::Csv,
            "json" => Format::Json,
            "xlsx" => Format::Xlsx,
            "ledger" => Format::Ledger,
            "digest" => Format::Digest,
            "bulletin" => Format::Bulletin,
            "participation" => Format::Participation,
            _ => return None,
        })
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv | Format::Participation => "text/csv; charset=utf-8",
            Format::Json | Format::Ledger | Format::Digest | Format::Bulletin => "application/json",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    pub fn file_name(self, year: i32) -> String {
        match self {
            Format::Csv => format!("wsis-prizes-{year}-results.csv"),
            Format::Json => format!("wsis-prizes-{year}-results.json"),
            Format::Xlsx => format!("wsis-prizes-{year}-results.xlsx"),
            Format::Ledger => format!("wsis-prizes-{year}-ledger.json"),
            Format::Digest => format!("wsis-prizes-{year}-digest.json"),
            Format::Bulletin => format!("wsis-prizes-{year}-bulletin.json"),
            Format::Participation => format!("wsis-prizes-{year}-participation.csv"),
        }
    }
}

/// One sheet per category plus a summary sheet with every row.
pub fn xlsx(v: &ResultsView) -> Result<Vec<u8>, AppError> {
    let err = |e: rust_xlsxwriter::XlsxError| {
        tracing::error!("xlsx: {e}");
        AppError::Internal
    };
    let bold = CellFormat::new().set_bold();
    let rows = export_rows(v);
    let mut wb = Workbook::new();
    let mut sheets: Vec<(String, Vec<&wsis::results::ExportRow>)> = vec![("Summary".into(), rows.iter().collect())];
    for c in &v.categories {
        sheets.push((c.code.clone(), rows.iter().filter(|r| r.category_code == c.code).collect()));
    }
    for (name, list) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&name).map_err(err)?;
        for (i, h) in EXPORT_HEADERS.iter().enumerate() {
            ws.write_string_with_format(0, i as u16, *h, &bold).map_err(err)?;
        }
        for (r, row) in list.iter().enumerate() {
            let y = r as u32 + 1;
            for (i, cell) in row.cells().iter().enumerate() {
                let numeric = matches!(i, 0 | 3 | 10 | 11) && !cell.is_empty();
                match cell.parse::<f64>() {
                    Ok(n) if numeric => ws.write_number(y, i as u16, n).map(|_| ()).map_err(err)?,
                    _ => ws.write_string(y, i as u16, cell).map(|_| ()).map_err(err)?,
                }
            }
        }
        ws.set_column_width(5, 40).map_err(err)?;
        ws.set_column_width(6, 36).map_err(err)?;
    }
    wb.save_to_buffer().map_err(err)
}

/// The bytes of one file of an edition (`year`; empty: the current edition) for `viewer`.
pub async fn build(db: &DatabaseConnection, year: &str, format: Format, viewer: Viewer, now: DateTime<Utc>) -> Result<(i32, Vec<u8>), AppError> {
    match format {
        Format::Ledger => {
            let (y, l) = wsis::db::results::ledger(db, year, viewer).await?;
            Ok((y, json(&l)))
        }
        Format::Digest => {
            let d = wsis::db::results::published_digest(db, year, viewer).await?;
            Ok((d.edition, json(&d)))
        }
        Format::Bulletin => {
            let b = wsis::db::bulletin::build(db, year, viewer).await?;
            Ok((b.edition, serde_json::to_vec(&b).unwrap_or_default()))
        }
        Format::Participation => {
            let p = wsis::db::participation::figures_now(db, year).await?;
            Ok((p.year, wsis::participation::to_csv(&p).into_bytes()))
        }
        _ => {
            let v = wsis::db::results::view(db, year, viewer, now).await?;
            let bytes = match format {
                Format::Csv => to_csv(&export_rows(&v)).into_bytes(),
                Format::Json => json(&export_rows(&v)),
                _ => xlsx(&v)?,
            };
            Ok((v.year, bytes))
        }
    }
}

fn json<T: serde::Serialize>(v: &T) -> Vec<u8> {
    serde_json::to_vec_pretty(v).unwrap_or_default()
}

async fn download(s: Services, year: String, ctx: Option<RequestContext>, format: Format, gzip_ok: bool) -> Response {
    let viewer = ctx.map_or(Viewer::Public, |c| c.viewer());
    if format == Format::Bulletin {
        return bulletin(s, year, viewer, gzip_ok).await;
    }
    // released figures are kept by the node; the other files are built per request
    let built = if format == Format::Participation {
        wsis::db::participation::figures(&s, &year).await.map(|p| (p.year, wsis::participation::to_csv(&p).into_bytes()))
    } else {
        build(&s.db, &year, format, viewer, s.now()).await
    };
    match built {
        Ok((y, bytes)) => {
            let mut res = Response::new(Body::from(bytes));
            let h = res.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.content_type()));
            if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", format.file_name(y))) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
            res
        }
        Err(e) => refusal(e),
    }
}

/// The bulletin, kept compressed: sent as it is kept to a client that takes gzip, else
/// expanded.
async fn bulletin(s: Services, year: String, viewer: Viewer, gzip_ok: bool) -> Response {
    let (y, kept) = match wsis::db::bulletin::kept(&s, &year, viewer).await {
        Ok(b) => b,
        Err(e) => return refusal(e),
    };
    let gz = &kept.gz;
    let body = if gzip_ok {
        Body::from(gz.as_ref().clone())
    } else {
        use std::io::Read;
        let mut plain = Vec::new();
        if flate2::read::GzDecoder::new(gz.as_slice()).read_to_end(&mut plain).is_err() {
            return refusal(AppError::Internal);
        }
        Body::from(plain)
    };
    let mut res = Response::new(body);
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(Format::Bulletin.content_type()));
    if gzip_ok {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", Format::Bulletin.file_name(y))) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    res
}

/// Whether the client takes gzip (`Accept-Encoding`, a q of 0 refuses it).
fn takes_gzip(headers: &axum::http::HeaderMap) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(|part| {
        let mut it = part.split(';');
        let name = it.next().unwrap_or_default().trim();
        let refused = it.any(|p| matches!(p.trim().strip_prefix("q="), Some(q) if q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0)));
        (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
    })
}

/// A refusal of a plain route, as the server functions answer one: its status and the
/// error as JSON.
pub fn refusal(e: AppError) -> Response {
    let status = StatusCode::from_u16(e.status().as_u16()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CONTENT_TYPE, "application/json")], serde_json::to_string(&e).unwrap_or_default()).into_response()
}

/// The result files' routes and formats.
pub const PATHS: [(&str, Format); 7] = [
    ("/results/{year}/export.csv", Format::Csv),
    ("/results/{year}/export.json", Format::Json),
    ("/results/{year}/export.xlsx", Format::Xlsx),
    ("/results/{year}/ledger.json", Format::Ledger),
    ("/results/{year}/digest.json", Format::Digest),
    ("/results/{year}/bulletin.json", Format::Bulletin),
    ("/results/{year}/participation.csv", Format::Participation),
];

/// `/results/{year}/export.{csv,json,xlsx}`, `/results/{year}/ledger.json`, `/results/{year}/digest.json`.
pub fn routes<S: Clone + Send + Sync + 'static>(services: Services) -> Router<S> {
    let mut r = Router::new();
    for (path, f) in PATHS {
        r = r.route(
            path,
            get(move |State(s): State<Services>, Path(year): Path<String>, ctx: Option<Extension<RequestContext>>, headers: axum::http::HeaderMap| async move {
                download(s, year, ctx.map(|c| c.0), f, takes_gzip(&headers)).await
            }),
        );
    }
    r.with_state(services)
}
